// One clock every process can read: milliseconds since the Unix epoch with sub-millisecond
// resolution. `performance.timeOrigin` is the wall clock when this process started and
// `performance.now()` is monotonic since then, so timestamps from two processes (the child that
// signals and the pilot that detects) can be subtracted. checkClock() measures the skew.

/** Wall-clock milliseconds since the epoch, microsecond resolution. */
export function wallNow() {
  return performance.timeOrigin + performance.now();
}
