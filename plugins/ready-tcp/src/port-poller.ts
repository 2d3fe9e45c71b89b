import { PilotError } from '@pilot/core';
import { connectOnce, type ConnectOutcome } from './connect-once.js';
import type { HostAddresses } from './host-addresses.js';

/** An attempt that neither connects nor fails within this time (a silent remote host) is dropped. */
export const CONNECT_TIMEOUT_MS = 1_000;

/** What the poller probes and what counts. */
export interface PortPollerOptions {
  port: number;
  addresses: HostAddresses;
  intervalMs: number;
  /**
   * Addresses that already accepted connections before the spawn: someone else holds the port
   * there, so a connection proves nothing until that address has been seen refusing.
   */
  heldBeforeSpawn: ReadonlySet<string>;
  /** Readiness also needs the process alive: a port held by another process is not ours. */
  isAlive: () => boolean;
}

/**
 * Connects to every address of the target every `intervalMs` (at most one attempt in flight per
 * address) until an attempt that counts succeeds while the process is alive.
 */
export function pollPort(options: PortPollerOptions, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const inFlight = new Map<string, { cancel: () => void; startedAt: number }>();
    const seenClosed = new Set<string>();
    let finished = false;
    const finish = (error?: unknown) => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      signal.removeEventListener('abort', onAbort);
      for (const attempt of inFlight.values()) attempt.cancel();
      inFlight.clear();
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = () => finish(signal.reason ?? new PilotError('PILOT_STOPPED', 'readiness wait aborted'));
    const onOutcome = (address: string, outcome: ConnectOutcome) => {
      inFlight.delete(address);
      if (outcome === 'closed') seenClosed.add(address);
      else if ((!options.heldBeforeSpawn.has(address) || seenClosed.has(address)) && options.isAlive()) finish();
    };
    const tick = () => {
      const now = Date.now();
      for (const address of options.addresses.current()) {
        const previous = inFlight.get(address);
        if (previous && now - previous.startedAt < CONNECT_TIMEOUT_MS) continue;
        previous?.cancel();
        const cancel = connectOnce(address, options.port, (outcome) => onOutcome(address, outcome));
        if (!finished) inFlight.set(address, { cancel, startedAt: now });
      }
    };
    const timer = setInterval(tick, options.intervalMs);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    tick();
  });
}
