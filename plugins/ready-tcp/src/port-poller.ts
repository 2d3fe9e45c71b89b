import type { Socket } from 'node:net';
import { PilotError } from '@pilot/core';
import { AddressProber, type ConnectOutcome } from './address-prober.js';
import type { HostAddresses } from './host-addresses.js';
import { FIRST_INTERVAL_MS, intervalSchedule } from './interval.js';

/** An attempt that neither connects nor fails within this time (a silent remote host) is dropped. */
export const CONNECT_TIMEOUT_MS = 1_000;

/**
 * Addresses after the first are tried on every Nth tick only: a refused loopback connect costs
 * 0.3-0.7 ms of CPU here, and trying 127.0.0.1 and ::1 on every tick nearly doubled the cost of a
 * wait. The first address (127.0.0.1 for localhost) also answers for servers on `::` and
 * `0.0.0.0`, Node's default, so it gets every tick; a server bound to ::1 only is noticed within
 * N ticks.
 */
export const SECONDARY_EVERY = 4;

/**
 * Rounds triggered by hints are at least this far apart (or the pause, if shorter). A hint that
 * comes sooner is not dropped: it gets a round when the spacing is up, since the line that
 * matters ("listening on ...") often follows other start-up lines within milliseconds.
 */
export const HINT_SPACING_MS = FIRST_INTERVAL_MS;

/** What the poller probes and what counts. */
export interface PortPollerOptions {
  port: number;
  addresses: HostAddresses;
  /** Milliseconds between rounds; unset: the adaptive pause (`adaptiveInterval`). */
  intervalMs?: number;
  /** When the wait began (`Date.now()`), for the adaptive pause; default: when this poller started. */
  waitStartedAt?: number;
  /**
   * Addresses that already accepted connections before the spawn: someone else holds the port
   * there, so a connection proves nothing until that address has been seen refusing.
   */
  heldBeforeSpawn: ReadonlySet<string>;
  /**
   * Addresses seen refusing since the spawn. Pass the same set to every poller of one wait (and
   * add refusals seen elsewhere) so that a refusal counts across pollers; default: a new set.
   */
  seenRefusing?: Set<string>;
  /** Readiness also needs the process alive: a port held by another process is not ours. */
  isAlive: () => boolean;
  /**
   * Subscribes to hints that the port may have just opened (the process printed a line: servers
   * announce that they listen); returns the unsubscribe function. A hint triggers a round of
   * attempts on every address at once, hinted rounds at least {@link HINT_SPACING_MS} apart.
   */
  hints?: (listener: () => void) => () => void;
  /** Hand the accepted connection to the caller instead of closing it (see {@link PortFound}). */
  keepConnection?: boolean;
}

/** Where the port accepted a connection that counts. */
export interface PortFound {
  address: string;
  /** With `keepConnection`: that connection, open, now the caller's to use and close. */
  socket?: Socket;
}

/**
 * Connects to every address of the target, one round per pause (at most one attempt in flight
 * per address), until an attempt that counts succeeds while the process is alive; resolves with
 * that address (and its connection, if asked to keep it). Rejects with the signal's reason on
 * abort, or with an error thrown by `isAlive`; the timer, every socket and the hint subscription
 * are released either way.
 */
export function pollPort(options: PortPollerOptions, signal: AbortSignal): Promise<PortFound> {
  return new Promise((resolve, reject) => new PortPoller(options, signal, resolve, reject).start());
}

class PortPoller {
  /** One reusable socket per address, so at most one attempt per address is in flight. */
  private readonly probers = new Map<string, AddressProber>();
  private readonly seenRefusing: Set<string>;
  /**
   * Addresses whose attempt was in flight when a hint came: that attempt may have started just
   * before the server listened, so a refusal is followed by one more attempt at once.
   */
  private readonly retryAfterRefusal = new Set<string>();
  private readonly interval: (elapsedMs: number) => number;
  private readonly waitStartedAt: number;
  private timer: NodeJS.Timeout | undefined;
  /** When the scheduled round is due (`Date.now()` based). */
  private nextRoundAt = Number.POSITIVE_INFINITY;
  private ticks = 0;
  private lastHintedRoundAt = Number.NEGATIVE_INFINITY;
  private unsubscribeHints: (() => void) | undefined;
  private finished = false;
  private readonly onAbort = () => this.finish({ error: this.signal.reason ?? new PilotError('PILOT_STOPPED', 'readiness wait aborted') });

  constructor(
    private readonly options: PortPollerOptions,
    private readonly signal: AbortSignal,
    private readonly resolve: (found: PortFound) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    this.interval = intervalSchedule(options.intervalMs);
    this.waitStartedAt = options.waitStartedAt ?? Date.now();
    this.seenRefusing = options.seenRefusing ?? new Set();
  }

  start(): void {
    if (this.signal.aborted) return this.onAbort();
    this.signal.addEventListener('abort', this.onAbort, { once: true });
    try {
      this.unsubscribeHints = this.options.hints?.(() => this.hinted());
      this.round(false);
    } catch (error) {
      this.finish({ error });
    }
  }

  private pause(now: number): number {
    return this.interval(now - this.waitStartedAt);
  }

  private hinted(): void {
    if (this.finished) return;
    const now = Date.now();
    const spacedAt = this.lastHintedRoundAt + Math.min(HINT_SPACING_MS, this.pause(now));
    if (now >= spacedAt) return this.hintedRound();
    // Too soon after the last hinted round: one round as soon as the spacing is up.
    if (this.nextRoundAt > spacedAt) this.schedule(spacedAt - now, true);
  }

  private hintedRound(): void {
    this.lastHintedRoundAt = Date.now();
    this.round(true);
  }

  private schedule(delayMs: number, hinted: boolean): void {
    clearTimeout(this.timer);
    this.nextRoundAt = Date.now() + delayMs;
    this.timer = setTimeout(() => (hinted ? this.hintedRound() : this.round(false)), delayMs);
  }

  /** One attempt on the first address, and on every address on every Nth round or when hinted. */
  private round(hinted: boolean): void {
    const now = Date.now();
    const everyAddress = this.ticks++ % SECONDARY_EVERY === 0 || hinted;
    const addresses = this.options.addresses.current();
    for (const [address, prober] of this.probers) {
      if (!addresses.includes(address)) {
        prober.dispose();
        this.probers.delete(address);
      }
    }
    for (const [index, address] of addresses.entries()) {
      if (index > 0 && !everyAddress) continue;
      let prober = this.probers.get(address);
      if (!prober) this.probers.set(address, (prober = new AddressProber(address, this.options.port)));
      // A hung attempt is dropped; its socket connects again once closed.
      if (prober.startedAt !== undefined && now - prober.startedAt >= CONNECT_TIMEOUT_MS) prober.cancel();
      if (prober.idle) this.attempt(prober);
      else if (hinted) this.retryAfterRefusal.add(address);
    }
    if (!this.finished) this.schedule(this.pause(now), false);
  }

  private attempt(prober: AddressProber): void {
    prober.attempt((outcome) => {
      // Called from a socket event: whatever throws here must end the wait, not reach the host.
      try {
        this.onOutcome(prober, outcome);
      } catch (error) {
        this.finish({ error });
      }
    });
  }

  private onOutcome(prober: AddressProber, outcome: ConnectOutcome): void {
    const { address } = prober;
    const retry = this.retryAfterRefusal.delete(address);
    if (outcome === 'closed') {
      this.seenRefusing.add(address);
      if (retry) this.attempt(prober);
    } else if (this.counts(address) && this.options.isAlive()) {
      this.finish({ found: { address, socket: this.options.keepConnection ? prober.takeConnection() : undefined } });
    }
  }

  /** A connection counts unless someone else held the address before the spawn and still does. */
  private counts(address: string): boolean {
    return !this.options.heldBeforeSpawn.has(address) || this.seenRefusing.has(address);
  }

  private finish(outcome: { found: PortFound } | { error: unknown }): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    this.unsubscribeHints?.();
    this.signal.removeEventListener('abort', this.onAbort);
    for (const prober of this.probers.values()) prober.dispose();
    this.probers.clear();
    if ('found' in outcome) this.resolve(outcome.found);
    else this.reject(outcome.error);
  }
}
