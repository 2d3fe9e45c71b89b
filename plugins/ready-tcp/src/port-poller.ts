import { PilotError } from '@pilot/core';
import { connectOnce, type ConnectOutcome } from './connect-once.js';
import type { HostAddresses } from './host-addresses.js';

/** An attempt that neither connects nor fails within this time (a silent remote host) is dropped. */
export const CONNECT_TIMEOUT_MS = 1_000;

/**
 * Addresses after the first are tried on every Nth tick only. A refused loopback connect costs
 * ~0.36 ms of CPU here: trying 127.0.0.1 and ::1 every 5 ms used 12% of a core. The first address
 * (127.0.0.1 for localhost) also answers for servers on `::` and `0.0.0.0`, so it gets every tick;
 * a server bound to ::1 only is noticed within N ticks.
 */
export const SECONDARY_EVERY = 4;

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
 * address) until an attempt that counts succeeds while the process is alive. Rejects with the
 * signal's reason on abort; the timer and every socket in flight are released either way.
 */
export function pollPort(options: PortPollerOptions, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => new PortPoller(options, signal, resolve, reject).start());
}

class PortPoller {
  private readonly inFlight = new Map<string, { cancel: () => void; startedAt: number }>();
  private readonly seenClosed = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;
  private finished = false;
  private readonly onAbort = () => this.finish(this.signal.reason ?? new PilotError('PILOT_STOPPED', 'readiness wait aborted'));

  constructor(
    private readonly options: PortPollerOptions,
    private readonly signal: AbortSignal,
    private readonly resolve: () => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  start(): void {
    if (this.signal.aborted) return this.onAbort();
    this.signal.addEventListener('abort', this.onAbort, { once: true });
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.tick();
  }

  private tick(): void {
    const now = Date.now();
    const secondaryTurn = this.ticks++ % SECONDARY_EVERY === 0;
    for (const [index, address] of this.options.addresses.current().entries()) {
      if (index > 0 && !secondaryTurn) continue;
      const previous = this.inFlight.get(address);
      if (previous && now - previous.startedAt < CONNECT_TIMEOUT_MS) continue;
      previous?.cancel();
      const cancel = connectOnce(address, this.options.port, (outcome) => this.onOutcome(address, outcome));
      this.inFlight.set(address, { cancel, startedAt: now });
    }
  }

  private onOutcome(address: string, outcome: ConnectOutcome): void {
    this.inFlight.delete(address);
    if (outcome === 'closed') this.seenClosed.add(address);
    else if (this.counts(address) && this.options.isAlive()) this.finish();
  }

  /** A connection counts unless someone else held the address before the spawn and still does. */
  private counts(address: string): boolean {
    return !this.options.heldBeforeSpawn.has(address) || this.seenClosed.has(address);
  }

  private finish(error?: unknown): void {
    if (this.finished) return;
    this.finished = true;
    clearInterval(this.timer);
    this.signal.removeEventListener('abort', this.onAbort);
    for (const attempt of this.inFlight.values()) attempt.cancel();
    this.inFlight.clear();
    if (error === undefined) this.resolve();
    else this.reject(error);
  }
}
