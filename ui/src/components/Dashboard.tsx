import { bookFigures, usdToBase, type BookFigures, type ModuleFigures } from "../book.ts";
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

  const modules = snapshot.modules ?? [];
  const book = bookFigures(b, modules, (t) => meta.tokens[t.toLowerCase()]?.decimals);

  const protocols = new Map<string, { names: string[]; value: bigint; capBps: bigint }>();
  for (const a of b.assets) {
    const row = protocols.get(a.protocolId) ?? { names: [], value: 0n, capBps: a.protocolCapBps };
    row.names.push(sym(a.asset));
    row.value += a.valueBase;
    protocols.set(a.protocolId, row);
  }
  // A module's exposure to its protocol is what a protocol failure can take: long − debt, floored at 0.
  for (const f of book.modules) {
    const m = f.module;
    if (!m.protocolId || m.protocolCapBps === undefined || f.longUsd === undefined || f.debtUsd === undefined) continue;
    const row = protocols.get(m.protocolId) ?? { names: [], value: 0n, capBps: m.protocolCapBps };
    row.names.push(`${MODULE_TITLE[m.kind]} module`);
    const net = f.longUsd > f.debtUsd ? f.longUsd - f.debtUsd : 0n;
    row.value += usdToBase(net, b.base.priceOk ? b.base.priceWad : 0n, meta.base.decimals);
    protocols.set(m.protocolId, row);
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
        {book.netDelta === undefined && modules.length > 0 && (
          <Unavailable label="Net delta" testId="budget-net-delta" />
        )}
        {book.netDelta !== undefined && (
          <Bar
            label={`Net delta, largest: ${sym(book.netDelta.asset)}`}
            testId="budget-net-delta"
            value={book.netDelta.fraction}
            max={Number(p.maxNetDeltaBps) / 1e4}
            text={`${book.netDelta.short ? "short " : ""}${formatFraction(book.netDelta.fraction)} of ${formatBps(p.maxNetDeltaBps, 0)}`}
          />
        )}
        {book.grossLeverage === undefined && modules.length > 0 && (
          <Unavailable label="Gross leverage" testId="budget-gross-leverage" />
        )}
        {book.grossLeverage !== undefined && (
          <Bar
            label="Gross leverage"
            testId="budget-gross-leverage"
            value={book.grossLeverage}
            max={Number(p.maxGrossLeverageBps) / 1e4}
            text={`${formatFraction(book.grossLeverage)} of ${formatBps(p.maxGrossLeverageBps, 0)}`}
          />
        )}
        <Bar
          label="Deposit cap"
          value={unitsToNumber(nav, meta.base.decimals)}
          max={unitsToNumber(p.depositCap, meta.base.decimals)}
          text={`${formatFraction(weightOf(nav, p.depositCap))} used`}
        />
      </div>

      {modules.length > 0 && <PositionModules meta={meta} snapshot={snapshot} book={book} />}

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

/** A budget row whose figure cannot be computed now (a module report or a price is missing). */
function Unavailable({ label, testId }: { label: string; testId: string }) {
  return (
    <div className="bar-row" data-testid={testId}>
      <div className="bar-label">{label}</div>
      <div className="bar-text">unavailable (a module report or a price is missing)</div>
    </div>
  );
}

const MODULE_TITLE: Record<string, string> = {
  "uniswap-v3": "Uniswap V3",
  "aave-v3": "Aave V3",
  unknown: "Unknown",
};

/** A health factor as text: "2.61", or "∞ (no debt)". */
export function formatHealthFactor(hf: number): string {
  return hf === Infinity ? "∞ (no debt)" : hf.toFixed(2);
}

/** Each position module: Uniswap V3 liquidity (value, amounts, short gamma) and Aave V3 (collateral, debt, HF). */
function PositionModules({ meta, snapshot, book }: { meta: VaultMeta; snapshot: Snapshot; book: BookFigures }) {
  const p = snapshot.budget.params;
  const minHf = Number(p.minHealthFactorBps) / 1e4;
  const gammaCap = Number(p.maxShortGammaBps) / 1e4;
  const amounts = (f: ModuleFigures, which: "longAmounts" | "debtAmounts") => {
    const r = f.module.report;
    if (!r) return "";
    const parts = f.module.tokens
      .map((t, i) => ({ token: meta.tokens[t.toLowerCase()], amount: r[which][i] ?? 0n, i }))
      .filter((x) => x.amount > 0n)
      .map((x) => {
        const usd = (which === "longAmounts" ? f.longUsdByToken : f.debtUsdByToken)?.[x.i];
        const text = x.token ? formatAmount(x.amount, x.token, 6) : `${x.amount} units`;
        return usd !== undefined ? `${text} (${formatUsdWad(usd)})` : text;
      });
    return parts.length ? parts.join(" + ") : "none";
  };
  return (
    <>
      <h3>Position modules</h3>
      <div className="modules" data-testid="modules">
        {book.modules.map((f) => {
          const m = f.module;
          const title = MODULE_TITLE[m.kind];
          const headingId = `module-${m.address}`;
          return (
            <article key={m.address} className="module" data-testid={`module-${m.kind}`} aria-labelledby={headingId}>
              <h4 id={headingId}>
                {m.kind === "uniswap-v3" ? "Uniswap V3 liquidity" : m.kind === "aave-v3" ? "Aave V3 lending" : title}{" "}
                <code title={m.address}>{shortAddress(m.address)}</code>
              </h4>
              {!m.report ? (
                <p className="notice" data-testid="module-unavailable">
                  Report unavailable{m.error ? ` (${m.error})` : ""}.
                </p>
              ) : (
                <dl className="module-figures">
                  {m.kind === "aave-v3" ? (
                    <>
                      <div>
                        <dt>Collateral</dt>
                        <dd data-testid="module-collateral">{amounts(f, "longAmounts")}</dd>
                      </div>
                      <div>
                        <dt>Debt</dt>
                        <dd data-testid="module-debt">{amounts(f, "debtAmounts")}</dd>
                      </div>
                      <div>
                        <dt>Health factor</dt>
                        <dd
                          data-testid="module-health-factor"
                          className={`hf ${f.healthFactor !== undefined && f.healthFactor < minHf ? "high" : f.healthFactor !== undefined && f.healthFactor < minHf * 1.2 ? "mid" : "low"}`}
                        >
                          {f.healthFactor !== undefined ? formatHealthFactor(f.healthFactor) : "unavailable"} · min{" "}
                          {minHf.toFixed(2)}
                        </dd>
                      </div>
                    </>
                  ) : (
                    <>
                      <div>
                        <dt>Value</dt>
                        <dd data-testid="module-value">
                          {f.longUsd !== undefined ? formatUsdWad(f.longUsd) : "unavailable"}
                        </dd>
                      </div>
                      <div>
                        <dt>Tokens</dt>
                        <dd data-testid="module-amounts">{amounts(f, "longAmounts")}</dd>
                      </div>
                      {f.hasDebt && (
                        <div>
                          <dt>Debt</dt>
                          <dd data-testid="module-debt">{amounts(f, "debtAmounts")}</dd>
                        </div>
                      )}
                    </>
                  )}
                  {(m.kind !== "aave-v3" || m.report.shortGammaUsdWad > 0n) && (
                    <div>
                      <dt>Short gamma</dt>
                      <dd data-testid="module-gamma">
                        {f.gammaOfNav !== undefined
                          ? `${formatFraction(f.gammaOfNav)} of NAV · cap ${formatBps(p.maxShortGammaBps)}`
                          : "unavailable"}{" "}
                        (≈ {formatUsdWad(m.report.shortGammaUsdWad / 100n)} lost on a 10 % move)
                      </dd>
                    </div>
                  )}
                </dl>
              )}
            </article>
          );
        })}
      </div>
      <div className="bars" data-testid="book-limits">
        {book.shortGamma === undefined && <Unavailable label="Short gamma, all modules" testId="budget-short-gamma" />}
        {book.shortGamma !== undefined && (
          <Bar
            label="Short gamma, all modules"
            testId="budget-short-gamma"
            value={book.shortGamma}
            max={gammaCap}
            text={`${formatFraction(book.shortGamma)} of NAV · cap ${formatBps(p.maxShortGammaBps)}`}
          />
        )}
        {book.minHealthFactor !== undefined && (
          <div className="bar-row" data-testid="budget-health-factor">
            <div className="bar-label">Lowest health factor</div>
            <div className="bar-text">
              {formatHealthFactor(book.minHealthFactor)} · minimum {minHf.toFixed(2)}
            </div>
          </div>
        )}
      </div>
    </>
  );
}
