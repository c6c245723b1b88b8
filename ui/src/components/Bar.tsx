/**
 * A horizontal utilisation bar: `value` of `max`, with optional markers (target, cap). An ARIA meter, so screen readers
 * announce "Turnover in window, 12 % of 150 %".
 */
export function Bar(props: {
  label: string;
  value: number;
  max: number;
  text: string;
  markers?: { at: number; label: string; kind: "target" | "cap" }[];
  testId?: string;
  /** The colour: by default how close `value` is to `max`; weights pass their own (distance to the cap). */
  tone?: "low" | "mid" | "high";
}) {
  const frac = props.max > 0 ? Math.min(1, Math.max(0, props.value / props.max)) : 0;
  const level = props.tone ?? toneOf(frac);
  return (
    <div className="bar-row" data-testid={props.testId}>
      <div className="bar-label">{props.label}</div>
      <div
        className="bar"
        role="meter"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={props.max}
        aria-valuenow={Math.min(props.value, props.max)}
        aria-valuetext={props.text}
      >
        <div className={`bar-fill ${level}`} style={{ width: `${frac * 100}%` }} />
        {props.markers?.map((m) => (
          <div
            key={m.label}
            className={`marker ${m.kind}`}
            style={{ left: `${Math.min(1, m.at / props.max) * 100}%` }}
            title={m.label}
          />
        ))}
      </div>
      <div className="bar-text">{props.text}</div>
    </div>
  );
}

/** Utilisation colour: green below 60 % of the limit, amber to 90 %, red above. */
export function toneOf(used: number): "low" | "mid" | "high" {
  return used >= 0.9 ? "high" : used >= 0.6 ? "mid" : "low";
}
