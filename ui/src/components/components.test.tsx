import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { AmountField } from "./AmountField.tsx";
import { Bar } from "./Bar.tsx";
import { TxStatus } from "./TxStatus.tsx";

afterEach(cleanup);

describe("AmountField", () => {
  it("labels its input, describes it by its hint or error and offers Max", () => {
    const onChange = vi.fn();
    const onMax = vi.fn();
    const { rerender } = render(
      <AmountField
        label="Amount to deposit (USDC)"
        value=""
        onChange={onChange}
        onMax={onMax}
        hint="Wallet: 5 USDC."
      />,
    );
    const input = screen.getByLabelText("Amount to deposit (USDC)");
    expect(document.getElementById(input.getAttribute("aria-describedby")!)?.textContent).toBe("Wallet: 5 USDC.");
    fireEvent.change(input, { target: { value: "12" } });
    expect(onChange).toHaveBeenCalledWith("12");
    fireEvent.click(screen.getByRole("button", { name: "Max" }));
    expect(onMax).toHaveBeenCalled();
    rerender(<AmountField label="Amount to deposit (USDC)" value="x" onChange={onChange} error="Enter a number." />);
    expect(screen.getByLabelText("Amount to deposit (USDC)").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("Enter a number.")).toBeTruthy();
  });
});

describe("TxStatus", () => {
  it("announces progress politely and failures as alerts", () => {
    const { rerender } = render(
      <TxStatus id="s" state={{ kind: "working", message: "Deposit pending…", hash: "0xabcdef0123456789" }} />,
    );
    expect(screen.getByRole("status").textContent).toContain("Deposit pending…");
    expect(screen.getByRole("status").textContent).toContain("0xabcdef01…");
    rerender(
      <TxStatus
        id="s"
        state={{ kind: "failed", message: "Deposit cap reached: 1,000,000 USDC.", errorName: "DepositCapExceeded" }}
      />,
    );
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toBe("Failed. Deposit cap reached: 1,000,000 USDC.");
    expect(alert.getAttribute("data-error-name")).toBe("DepositCapExceeded");
  });
});

describe("Bar", () => {
  it("is a meter with a readable value and a colour by utilisation", () => {
    render(<Bar label="Turnover, rolling window" value={1_350_000} max={1_500_000} text="135.00 % of 150 %" />);
    const meter = screen.getByRole("meter", { name: "Turnover, rolling window" });
    expect(meter.getAttribute("aria-valuetext")).toBe("135.00 % of 150 %");
    expect(meter.querySelector(".bar-fill")?.className).toContain("high");
    expect((meter.querySelector(".bar-fill") as HTMLElement).style.width).toBe("90%");
  });
});
