/** Pending, confirmed and failed transaction states, announced to screen readers. */
export type TxState =
  | { kind: "idle" }
  | { kind: "working"; message: string; hash?: string }
  | { kind: "done"; message: string; hash?: string }
  | { kind: "failed"; message: string; errorName?: string };

export function TxStatus({ state, id }: { state: TxState; id: string }) {
  if (state.kind === "idle") return <div id={id} role="status" aria-live="polite" className="tx tx-idle" />;
  if (state.kind === "failed") {
    return (
      <div id={id} role="alert" className="tx tx-failed" data-error-name={state.errorName}>
        <strong>Failed.</strong> {state.message}
      </div>
    );
  }
  return (
    <div id={id} role="status" aria-live="polite" className={`tx tx-${state.kind}`}>
      {state.kind === "working" && <span className="spinner" aria-hidden="true" />}
      {state.kind === "done" && <strong>Done. </strong>}
      {state.message}
      {state.hash && (
        <span className="hash">
          {" "}
          tx <code title={state.hash}>{state.hash.slice(0, 10)}…</code>
        </span>
      )}
    </div>
  );
}
