// One clock that every process on the machine reads alike: process.hrtime() is libuv's
// CLOCK_MONOTONIC, a single system-wide clock on Linux, with nanosecond resolution. A child that
// records monoNow() when it signals and a parent that records monoNow() when it notices can
// subtract the two directly. Wall-clock readings (performance.timeOrigin + performance.now())
// would also work across processes but drift apart while NTP slews the clock during a long run.

/** Milliseconds on CLOCK_MONOTONIC (shared by all processes), sub-microsecond resolution. */
export function monoNow() {
  return Number(process.hrtime.bigint()) / 1e6;
}
