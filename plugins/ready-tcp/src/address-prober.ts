import { Socket } from 'node:net';
import { isSelfConnection } from './self-connection.js';

/** `open`: a connection was accepted; `closed`: refused, unreachable, reset or a self-connection. */
export type ConnectOutcome = 'open' | 'closed';

/**
 * Connection attempts to one address and port, made one after another with a single `Socket`.
 *
 * Node lets a socket connect again once it has emitted `close`, and reusing it skips building a
 * new stream pair (socket, readable and writable state, event emitter) for every attempt: the
 * poller makes hundreds of attempts a second and most of the CPU of a refused attempt was that
 * construction and its garbage, not the connect itself.
 */
export class AddressProber {
  private readonly socket = new Socket();
  private onOutcome: ((outcome: ConnectOutcome) => void) | undefined;
  private closed = true;
  /** The outcome being reported right now (only during the `onOutcome` call). */
  private settling: ConnectOutcome | undefined;
  private taken = false;
  /** An attempt was asked for while the previous connection was still closing. */
  private connectOnClose = false;
  private disposed = false;
  /** When the attempt in flight started (`Date.now()`), or undefined when none is. */
  startedAt: number | undefined;

  constructor(
    readonly address: string,
    private readonly port: number,
  ) {
    this.socket.on('connect', this.onConnect);
    this.socket.on('error', this.onError);
    this.socket.on('close', this.onClose);
  }

  private readonly onConnect = () => this.settle(isSelfConnection(this.socket) ? 'closed' : 'open');
  private readonly onError = () => this.settle('closed');
  private readonly onClose = () => {
    this.closed = true;
    if (this.connectOnClose) this.connect();
  };

  /** True when a new attempt may start: none is in flight and the prober is not disposed. */
  get idle(): boolean {
    return this.startedAt === undefined && !this.disposed;
  }

  /**
   * Start an attempt; `onOutcome` is called once with its outcome unless the prober is cancelled
   * or disposed first. If the previous connection is still closing, it connects once closed.
   */
  attempt(onOutcome: (outcome: ConnectOutcome) => void): void {
    if (!this.idle) throw new Error(`a connection attempt to ${this.address} is still in flight`);
    this.onOutcome = onOutcome;
    this.startedAt = Date.now();
    if (this.closed) this.connect();
    else this.connectOnClose = true;
  }

  /** Abandon the attempt in flight (a hung connect): its outcome is never reported. */
  cancel(): void {
    this.onOutcome = undefined;
    this.startedAt = undefined;
    this.connectOnClose = false;
    this.socket.destroy();
  }

  private connect(): void {
    this.connectOnClose = false;
    this.closed = false;
    this.socket.connect({ host: this.address, port: this.port });
  }

  /** Release the socket for good (unless it was taken). */
  dispose(): void {
    this.disposed = true;
    if (!this.taken) this.cancel();
  }

  /**
   * Hand over the connection just accepted; only from the `onOutcome` call of an `open` outcome.
   * The caller owns the socket from then on (and must handle its errors); the prober is done.
   * The `http` strategy sends its first GET over it: a fresh server then sets up one connection
   * instead of two, which is 2-3 ms of its own start-up work.
   */
  takeConnection(): Socket {
    if (this.settling !== 'open' || this.taken) throw new Error(`no accepted connection to ${this.address} to take`);
    this.taken = true;
    this.disposed = true;
    this.socket.off('connect', this.onConnect).off('error', this.onError).off('close', this.onClose);
    // Until the new owner listens, an error (a reset) must not be an unhandled 'error' event.
    this.socket.on('error', () => undefined);
    return this.socket;
  }

  private settle(outcome: ConnectOutcome): void {
    const onOutcome = this.onOutcome;
    this.onOutcome = undefined;
    this.startedAt = undefined;
    this.settling = outcome;
    try {
      onOutcome?.(outcome);
    } finally {
      this.settling = undefined;
      // An accepted connection nobody took is closed at once: only its existence mattered.
      if (!this.taken) this.socket.destroy();
    }
  }
}
