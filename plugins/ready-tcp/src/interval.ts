/** First pause between attempts when `interval_ms` is not set. */
export const FIRST_INTERVAL_MS = 10;

/** The pause grows to this share of the time waited so far... */
export const INTERVAL_SHARE = 0.01;

/** ...but never beyond this. */
export const MAX_INTERVAL_MS = 100;

/**
 * The pause before the next attempt when `interval_ms` is not set, `elapsedMs` into the wait.
 *
 * A refused loopback connect costs 0.3-0.7 ms of CPU here (one event-loop wakeup plus Node's
 * socket machinery, which runs unoptimised at this rate, plus the syscalls), so the pause trades
 * detection delay against CPU. Every 10 ms is about 5 ms of delay for a server that prints
 * nothing, at about 9% of a core; servers that print a line when they listen are found through
 * that line (see `hints` in `pollPort`), usually within 2 ms and at most 10 ms after it. A
 * process that takes seconds to start does not need a 10 ms pause, so after 1 s the pause grows
 * with the wait: detection stays within about 1% of the time the process took to start (20 ms at 2 s,
 * 100 ms from 10 s on) and a long wait costs little (a 20 s wait: 2.4% of a core in all).
 */
export function adaptiveInterval(elapsedMs: number): number {
  return Math.min(MAX_INTERVAL_MS, Math.max(FIRST_INTERVAL_MS, Math.round(elapsedMs * INTERVAL_SHARE)));
}

/** The schedule for an `interval_ms` option: fixed when set, else {@link adaptiveInterval}. */
export function intervalSchedule(intervalMs: number | undefined): (elapsedMs: number) => number {
  return intervalMs === undefined ? adaptiveInterval : () => intervalMs;
}
