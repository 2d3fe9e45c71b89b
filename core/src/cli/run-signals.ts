/** The signals that stop `pilot run`: Ctrl-C, `kill`, a closed terminal. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** One of {@link STOP_SIGNALS}. */
export type StopSignal = (typeof STOP_SIGNALS)[number];

/**
 * Listen for SIGINT, SIGTERM and SIGHUP: the first one calls `first` (graceful stop), any later
 * one calls `again` (kill at once: a second Ctrl-C). Listening also keeps Node from dying of
 * the signal. Returns the function that removes the listeners.
 */
export function onStopSignals(first: (signal: StopSignal) => void, again: (signal: StopSignal) => void): () => void {
  let received = false;
  const handler = (signal: StopSignal) => {
    if (received) return again(signal);
    received = true;
    first(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of STOP_SIGNALS) process.removeListener(signal, handler);
  };
}
