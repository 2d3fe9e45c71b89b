const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * On SIGINT/SIGTERM/SIGHUP, run `stop`, then let the signal do what it would have done without
 * us (if nobody else listens for it, re-raise it so the host exits as usual). Returns the
 * function that removes the listeners.
 */
export function watchHostSignals(stop: () => Promise<void>): () => void {
  const handlers = new Map<NodeJS.Signals, () => void>();
  const release = () => {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    handlers.clear();
  };
  for (const signal of SIGNALS) {
    const handler = () => {
      release();
      void stop().finally(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  return release;
}
