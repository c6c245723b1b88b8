import { describe, expect, it } from "vitest";
import { AbiCoder, Interface } from "ethers";
import { BallastVault__factory } from "../../types/ethers-contracts/factories/BallastVault__factory.ts";
import { ErrorsLib__factory } from "../../types/ethers-contracts/factories/libraries/ErrorsLib__factory.ts";
import { describeError, findRevertData, type ErrorContext } from "./errors.ts";

const vault = new Interface(BallastVault__factory.abi);
const lib = new Interface(ErrorsLib__factory.abi);
const WETH = "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2";
const ctx: ErrorContext = {
  base: { symbol: "USDC", decimals: 6 },
  share: { symbol: "bUSDC", decimals: 12 },
  tokens: { [WETH.toLowerCase()]: { address: WETH, symbol: "WETH", decimals: 18 } },
};
const usdc = (n: number) => BigInt(n) * 1_000_000n;

describe("custom errors in words", () => {
  it("DepositCapExceeded names the cap, the room left and the amount asked", () => {
    const data = vault.encodeErrorResult("DepositCapExceeded", [usdc(20_000_000), usdc(9_750_000), usdc(10_000_000)]);
    expect(describeError({ data }, ctx)).toEqual({
      errorName: "DepositCapExceeded",
      message:
        "Deposit cap reached: 10,000,000 USDC. Only 9,750,000 USDC more fits; you asked to deposit 20,000,000 USDC.",
    });
    const full = vault.encodeErrorResult("DepositCapExceeded", [usdc(5), 0n, usdc(1_000_000)]);
    expect(describeError({ data: full }, ctx).message).toMatch(
      /^Deposit cap reached: 1,000,000 USDC\. The vault takes/,
    );
  });

  it("InsufficientIdle points to the in-kind exit", () => {
    const data = vault.encodeErrorResult("InsufficientIdle", [usdc(200_000), usdc(149_000)]);
    expect(describeError({ data }, ctx).message).toBe(
      'Not enough idle USDC in the vault: 200,000 USDC asked, 149,000 USDC available. Use "Exit in kind" to leave with your share of every holding.',
    );
  });

  it("names assets and formats bps, ppm and times", () => {
    const stale = vault.encodeErrorResult("StalePrice", [WETH, 1_651_363_200n, 86_400n]);
    expect(describeError({ data: stale }, ctx).message).toMatch(
      /^The price feed of WETH is stale: last updated 2022-05-01 00:00 UTC, older than its 1 d limit\./,
    );
    const weight = lib.encodeErrorResult("WeightAboveCap", [WETH, 6_512n, 6_000n]);
    expect(describeError({ data: weight }, ctx).message).toBe(
      "WETH would weigh 65.12 % of NAV, above its 60.00 % cap.",
    );
    const window = vault.encodeErrorResult("WindowTurnoverAboveCap", [1_600_000n, 1_500_000n]);
    expect(describeError({ data: window }, ctx).message).toMatch(/160\.00 % of NAV, above its 150\.00 % budget/);
    expect(describeError({ data: vault.encodeErrorResult("EnforcedPause", []) }, ctx).message).toMatch(/paused/);
  });

  it("finds the data wherever ethers or the wallet put it", () => {
    const data = vault.encodeErrorResult("ZeroAmount", []);
    const nested = { code: "CALL_EXCEPTION", info: { error: { code: 3, message: "execution reverted", data } } };
    expect(findRevertData(nested)).toBe(data);
    expect(describeError(nested, ctx).errorName).toBe("ZeroAmount");
    expect(describeError({ error: { data: { data } } }, ctx).errorName).toBe("ZeroAmount");
  });

  it("Error(string), Panic and unknown selectors", () => {
    const reason = "0x08c379a0" + AbiCoder.defaultAbiCoder().encode(["string"], ["STF"]).slice(2);
    expect(describeError({ data: reason }, ctx).message).toBe("The transaction reverted: STF");
    const panic = "0x4e487b71" + AbiCoder.defaultAbiCoder().encode(["uint256"], [0x11]).slice(2);
    expect(describeError({ data: panic }, ctx).message).toBe(
      "The contract panicked: arithmetic overflow or underflow.",
    );
    expect(describeError({ data: "0xdeadbeef" }, ctx).message).toMatch(/does not know \(selector 0xdeadbeef\)/);
  });

  it("a refusal in the wallet is not a failure", () => {
    expect(describeError({ code: 4001, message: "User rejected" }, ctx)).toMatchObject({ rejected: true });
    expect(describeError({ code: "ACTION_REJECTED" }, ctx).message).toMatch(/rejected the request/);
  });

  it("ERC-20 balance errors use the token they are about", () => {
    const data = vault.encodeErrorResult("ERC20InsufficientBalance", [WETH, 10n ** 12n, 2n * 10n ** 12n]);
    expect(describeError({ data }, { ...ctx, erc20: ctx.share }).message).toBe(
      "Balance too low: 1 bUSDC held, 2 bUSDC needed.",
    );
  });
});
