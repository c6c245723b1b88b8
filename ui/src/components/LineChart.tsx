/** A small SVG line chart; the accessible name says what it shows and the latest value. */
export function LineChart(props: { title: string; values: number[]; labels: string[]; format: (v: number) => string }) {
  const { values } = props;
  const w = 420;
  const h = 140;
  const pad = 28;
  if (values.length === 0) return <p>No data yet.</p>;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || Math.abs(max) * 0.01 || 1;
  const lo = min - span * 0.1;
  const hi = max + span * 0.1;
  const x = (i: number) => pad + (values.length === 1 ? (w - 2 * pad) / 2 : (i * (w - 2 * pad)) / (values.length - 1));
  const y = (v: number) => h - pad - ((v - lo) / (hi - lo)) * (h - 2 * pad);
  const d = values.map((v, i) => `${i === 0 ? "M" : "L"}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  const last = values[values.length - 1];
  return (
    <figure className="chart">
      <figcaption>
        {props.title}: <strong>{props.format(last)}</strong>
      </figcaption>
      <svg
        viewBox={`0 0 ${w} ${h}`}
        role="img"
        aria-label={`${props.title}, ${values.length} points, latest ${props.format(last)}`}
      >
        <line x1={pad} y1={h - pad} x2={w - pad} y2={h - pad} className="axis" />
        <text x={pad} y={14} className="tick">
          {props.format(hi)}
        </text>
        <text x={pad} y={h - pad + 14} className="tick">
          {props.labels[0]}
        </text>
        <text x={w - pad} y={h - pad + 14} className="tick" textAnchor="end">
          {props.labels[props.labels.length - 1]}
        </text>
        <path d={d} className="line" fill="none" />
        {values.map((v, i) => (
          <circle key={i} cx={x(i)} cy={y(v)} r={2.5} className="dot">
            <title>{`${props.labels[i]}: ${props.format(v)}`}</title>
          </circle>
        ))}
      </svg>
    </figure>
  );
}
