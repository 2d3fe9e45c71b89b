/** First pause between attempts when `interval_ms` is not set. */
export const FIRST_INTERVAL_MS = 8;

/** The pause grows to this share of the time waited so far... */
export const INTERVAL_SHARE = 0.01;

/** ...but never beyond this. */
export const MAX_INTERVAL_MS = 100;

/**
 * The pause before the next attempt when `interval_ms` is not set, `elapsedMs` into the wait.
 *
 * A refused loopback connect costs 0.3-0.7 ms of CPU here (Node's socket machinery running
 * unoptimised at this rate, plus the syscalls). Every 8 ms is about 4-5 ms of detection delay at
 * 5-10% of a core; a process that takes seconds to start does not need that, so after 0.8 s the
 * pause grows with the wait: detection stays within about 1% of the time the process took to
 * start (10 ms at 1 s, 100 ms from 10 s on) and the cost of a long wait falls below 1% of a core.
 */
export function adaptiveInterval(elapsedMs: number): number {
  return Math.min(MAX_INTERVAL_MS, Math.max(FIRST_INTERVAL_MS, Math.round(elapsedMs * INTERVAL_SHARE)));
}

/** The schedule for an `interval_ms` option: fixed when set, else {@link adaptiveInterval}. */
export function intervalSchedule(intervalMs: number | undefined): (elapsedMs: number) => number {
  return intervalMs === undefined ? adaptiveInterval : () => intervalMs;
}
