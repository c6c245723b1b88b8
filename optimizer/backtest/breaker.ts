/**
 * The NAV drawdown circuit breaker, mirrored from contracts/RiskBudget.sol `_observeSharePrice`: the high-water mark
 * moves on a new high or when it is older than `drawdownWindowSeconds`; the breaker trips when NAV per share falls
 * more than `maxDrawdownBps` below the mark (exact comparison, as on-chain). Once tripped, only sales into the base
 * asset pass until a reset. On-chain a guardian resets (`resetBreaker()`); the backtest's rule is a guardian who
 * resets `resetAfterDays` days after the trip, restarting the mark at that day's NAV.
 */

/** Breaker parameters, same names as on-chain, plus the backtest's reset rule. */
export interface BreakerParams {
  readonly maxDrawdownBps: number;
  readonly drawdownWindowSeconds: number;
  /** Days after a trip at which the (simulated) guardian resets the breaker. */
  readonly resetAfterDays: number;
}

/** Mutable breaker state; the engine observes it once a day at the close. */
export interface BreakerState {
  highWaterMark: number;
  highWaterMarkDay: number;
  tripped: boolean;
  trippedDay: number;
}

/** A fresh breaker (no mark yet). */
export function newBreaker(): BreakerState {
  return { highWaterMark: 0, highWaterMarkDay: -Infinity, tripped: false, trippedDay: -Infinity };
}

/**
 * Observes NAV per share `sharePrice` on day index `day` (1 day = 86,400 s). Returns "tripped" on the day the
 * breaker trips, "reset" on the day the guardian rule resets it, otherwise undefined.
 */
export function observeBreaker(
  s: BreakerState,
  p: BreakerParams,
  day: number,
  sharePrice: number,
): "tripped" | "reset" | undefined {
  if (s.tripped && day - s.trippedDay >= p.resetAfterDays) {
    s.tripped = false;
    s.highWaterMark = sharePrice;
    s.highWaterMarkDay = day;
    return "reset";
  }
  const windowDays = p.drawdownWindowSeconds / 86_400;
  if (s.highWaterMark === 0 || sharePrice >= s.highWaterMark || day > s.highWaterMarkDay + windowDays) {
    s.highWaterMark = sharePrice;
    s.highWaterMarkDay = day;
    return undefined;
  }
  if (s.tripped) return undefined;
  if ((s.highWaterMark - sharePrice) * 10_000 > p.maxDrawdownBps * s.highWaterMark) {
    s.tripped = true;
    s.trippedDay = day;
    return "tripped";
  }
  return undefined;
}
