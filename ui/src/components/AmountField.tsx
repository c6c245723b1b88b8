import { useId } from "react";

/** A labelled amount input with an optional "Max" button and a hint or error underneath. */
export function AmountField(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  onMax?: () => void;
  hint?: string;
  error?: string;
  disabled?: boolean;
  testId?: string;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <div className="field-row">
        <input
          id={id}
          data-testid={props.testId}
          inputMode="decimal"
          autoComplete="off"
          placeholder="0.00"
          value={props.value}
          disabled={props.disabled}
          aria-invalid={props.error ? true : undefined}
          aria-describedby={hintId}
          onChange={(e) => props.onChange(e.target.value)}
        />
        {props.onMax && (
          <button type="button" className="secondary" onClick={props.onMax} disabled={props.disabled}>
            Max
          </button>
        )}
      </div>
      <div id={hintId} className={props.error ? "field-error" : "field-hint"}>
        {props.error ?? props.hint ?? ""}
      </div>
    </div>
  );
}
