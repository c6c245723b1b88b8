import type { History, Snapshot, VaultMeta } from "../chain.ts";
import type { KeeperPublication } from "../deployment.ts";
import {
  formatAmount,
  formatBps,
  formatDuration,
  formatFraction,
  formatPpm,
  formatSharePrice,
  formatTimestamp,
  formatUsdWad,
  sharePriceNumber,
  shortAddress,
  unitsToNumber,
  wadToNumber,
} from "../format.ts";
import { Bar, toneOf } from "./Bar.tsx";
import { LineChart } from "./LineChart.tsx";

export function Banners({ snapshot }: { snapshot: Snapshot }) {
  const b = snapshot.budget;
  return (
    <>
      {b.shutdown && (
        <div className="banner danger" role="alert" data-testid="banner-shutdown">
          <strong>Shutdown.</strong> The vault takes no new deposits and only sells toward its base asset. Withdrawals
          stay open.
        </div>
      )}
      {b.paused && (
        <div className="banner warn" role="alert" data-testid="banner-paused">
          <strong>Paused by the guardian.</strong> Deposits and rebalances are stopped. Withdrawals stay open.
        </div>
      )}
      {b.breakerTripped && (
        <div className="banner warn" role="alert" data-testid="banner-breaker">
          <strong>Drawdown breaker tripped.</strong> NAV per share fell more than {formatBps(b.params.maxDrawdownBps)}{" "}
          from its high-water mark: the keeper may only de-risk.
        </div>
      )}
      {!b.pricesOk && (
        <div className="banner warn" role="alert" data-testid="banner-prices">
          <strong>A price feed is unusable.</strong> NAV cannot be computed now; "Exit in kind" still works.
        </div>
      )}
    </>
  );
}

function weightOf(value: bigint, nav: bigint): number {
  return nav > 0n ? Number((value * 1_000_000n) / nav) / 1_000_000 : 0;
}

export function Dashboard(props: {
  meta: VaultMeta;
  snapshot: Snapshot;
  history?: History;
  publication?: KeeperPublication;
}) {
  const { meta, snapshot, history, publication } = props;
  const b = snapshot.budget;
  const p = b.params;
  const nav = b.nav;
  const targets = publication?.targets;
  const sym = (address: string) => meta.tokens[address.toLowerCase()]?.symbol ?? shortAddress(address);
  const sp = wadToNumber(b.sharePriceWad);
  const hwm = wadToNumber(b.highWaterMarkWad);
  const drawdown = hwm > 0 && sp > 0 ? Math.max(0, 1 - sp / hwm) : 0;

  const protocols = new Map<string, { names: string[]; value: bigint; capBps: bigint }>();
  for (const a of b.assets) {
    const row = protocols.get(a.protocolId) ?? { names: [], value: 0n, capBps: a.protocolCapBps };
    row.names.push(sym(a.asset));
    row.value += a.valueBase;
    protocols.set(a.protocolId, row);
  }
  const points = history?.points ?? [];
  const labels = points.map((pt) => formatTimestamp(pt.timestamp).slice(5, 16));

  return (
    <section aria-labelledby="dash-title" className="dashboard" data-testid="dashboard" data-block={snapshot.block}>
      <h2 id="dash-title">Vault</h2>
      <dl className="cards">
        <div>
          <dt>NAV</dt>
          <dd data-testid="nav">{formatAmount(nav, meta.base)}</dd>
        </div>
        <div>
          <dt>Share price</dt>
          <dd data-testid="share-price">{formatSharePrice(b.sharePriceWad, meta.base, meta.share)}</dd>
        </div>
        <div>
          <dt>Deposit cap</dt>
          <dd>
            {formatAmount(nav, meta.base, 0)} of {formatAmount(p.depositCap, meta.base, 0)}
          </dd>
        </div>
        <div>
          <dt>Next rebalance allowed</dt>
          <dd>
            {b.nextRebalanceAt === 0n
              ? "now"
              : b.nextRebalanceAt <= BigInt(snapshot.timestamp)
                ? "now"
                : `in ${formatDuration(b.nextRebalanceAt - BigInt(snapshot.timestamp))}`}
          </dd>
        </div>
      </dl>

      <div className="charts">
        <LineChart
          title="NAV"
          values={points.map((pt) => unitsToNumber(pt.nav, meta.base.decimals))}
          labels={labels}
          format={(v) => `${v.toLocaleString("en-US", { maximumFractionDigits: 0 })} ${meta.base.symbol}`}
        />
        <LineChart
          title="Share price"
          values={points.map((pt) => sharePriceNumber(pt.sharePriceWad, meta.base.decimals, meta.share.decimals))}
          labels={labels}
          format={(v) => `${v.toFixed(6)} ${meta.base.symbol}`}
        />
      </div>

      <h3>Weights vs {targets ? "targets vs " : ""}caps</h3>
      <div className="bars" data-testid="weights">
        <Bar
          label={`${meta.base.symbol} (idle)`}
          value={weightOf(b.base.balance, nav)}
          max={1}
          tone={weightOf(b.base.balance, nav) < Number(p.minIdleBps) / 1e4 ? "high" : "low"}
          text={`${formatFraction(weightOf(b.base.balance, nav))} · min ${formatBps(p.minIdleBps)}${targets?.[meta.base.symbol] !== undefined ? ` · target ${formatFraction(targets[meta.base.symbol])}` : ""}`}
          markers={[
            { at: Number(p.minIdleBps) / 1e4, label: `minimum ${formatBps(p.minIdleBps)}`, kind: "cap" },
            ...(targets?.[meta.base.symbol] !== undefined
              ? [{ at: targets[meta.base.symbol], label: "target", kind: "target" as const }]
              : []),
          ]}
        />
        {b.assets.map((a) => {
          const w = weightOf(a.valueBase, nav);
          const s = sym(a.asset);
          const t = targets?.[s];
          return (
            <Bar
              key={a.asset}
              testId={`weight-${s}`}
              label={`${s} @ ${a.priceOk ? formatUsdWad(a.priceWad) : "price unusable"}`}
              value={w}
              max={1}
              tone={toneOf(a.maxWeightBps > 0n ? w / (Number(a.maxWeightBps) / 1e4) : 1)}
              text={`${formatFraction(w)} · cap ${formatBps(a.maxWeightBps)}${t !== undefined ? ` · target ${formatFraction(t)}` : ""}`}
              markers={[
                { at: Number(a.maxWeightBps) / 1e4, label: `cap ${formatBps(a.maxWeightBps)}`, kind: "cap" },
                ...(t !== undefined ? [{ at: t, label: `target ${formatFraction(t)}`, kind: "target" as const }] : []),
              ]}
            />
          );
        })}
      </div>

      <h3>Risk budget in use</h3>
      <div className="bars" data-testid="budget">
        <Bar
          label="Turnover, rolling window"
          testId="budget-turnover"
          value={Number(b.windowTurnoverPpm)}
          max={Number(p.maxWindowTurnoverBps) * 100}
          text={`${formatPpm(b.windowTurnoverPpm)} of ${formatBps(p.maxWindowTurnoverBps, 0)} per ${formatDuration(p.windowSeconds)}`}
        />
        <Bar
          label="Slippage, rolling window"
          testId="budget-slippage"
          value={Number(b.windowSlippagePpm)}
          max={Number(p.maxWindowSlippageBps) * 100}
          text={`${formatPpm(b.windowSlippagePpm, 3)} of ${formatBps(p.maxWindowSlippageBps)}`}
        />
        <Bar
          label="Drawdown from high-water mark"
          testId="budget-drawdown"
          value={drawdown}
          max={Number(p.maxDrawdownBps) / 1e4}
          text={`${formatFraction(drawdown)} of ${formatBps(p.maxDrawdownBps, 0)} (breaker)`}
        />
        {[...protocols.entries()].map(([id, row]) => {
          const w = weightOf(row.value, nav);
          return (
            <Bar
              key={id}
              label={`Protocol exposure: ${row.names.join(", ")}`}
              value={w}
              max={Number(row.capBps) / 1e4}
              text={`${formatFraction(w)} of ${formatBps(row.capBps, 0)}`}
            />
          );
        })}
        <Bar
          label="Deposit cap"
          value={unitsToNumber(nav, meta.base.decimals)}
          max={unitsToNumber(p.depositCap, meta.base.decimals)}
          text={`${formatFraction(weightOf(nav, p.depositCap))} used`}
        />
      </div>

      {publication?.stress && publication.stress.length > 0 && (
        <>
          <h3>Stress test of the latest plan</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">Scenario</th>
                <th scope="col">Loss</th>
              </tr>
            </thead>
            <tbody>
              {publication.stress.map((s) => (
                <tr key={s.scenario}>
                  <td>{s.scenario}</td>
                  <td>{formatFraction(s.lossFraction)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}

      <h3>Latest keeper rebalances</h3>
      {history && history.rebalances.length === 0 && <p data-testid="no-rebalances">No rebalance yet.</p>}
      <ol className="rebalances" data-testid="rebalances">
        {history?.rebalances.map((r) => (
          <li key={r.planId} data-testid="rebalance">
            <div>
              <strong>{formatTimestamp(r.timestamp)}</strong> · NAV {formatAmount(r.navBefore, meta.base)} →{" "}
              {formatAmount(r.navAfter, meta.base)} · turnover {formatBps(r.turnoverBps)} · slippage{" "}
              {formatAmount(r.slippageBase, meta.base)} · keeper {shortAddress(r.keeper)} · tx{" "}
              <code title={r.txHash}>{r.txHash.slice(0, 10)}…</code>
            </div>
            <ul>
              {r.trades.map((t) => {
                const tin = meta.tokens[t.tokenIn.toLowerCase()];
                const tout = meta.tokens[t.tokenOut.toLowerCase()];
                return (
                  <li key={t.index}>
                    {tin ? formatAmount(t.amountIn, tin, 6) : t.amountIn.toString()} →{" "}
                    {tout ? formatAmount(t.amountOut, tout, 6) : t.amountOut.toString()}
                    {tout && ` (oracle ${formatAmount(t.expectedOut, tout, 6)})`}
                  </li>
                );
              })}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  );
}
