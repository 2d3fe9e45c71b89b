import { Socket } from 'node:net';
import { isSelfConnection, type ConnectOutcome } from './connect-once.js';

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
  /** An attempt was asked for while the previous connection was still closing. */
  private connectOnClose = false;
  private disposed = false;
  /** When the attempt in flight started (`Date.now()`), or undefined when none is. */
  startedAt: number | undefined;

  constructor(
    readonly address: string,
    private readonly port: number,
  ) {
    this.socket.on('connect', () => this.settle(isSelfConnection(this.socket) ? 'closed' : 'open'));
    this.socket.on('error', () => this.settle('closed'));
    this.socket.on('close', () => {
      this.closed = true;
      if (this.connectOnClose) this.connect();
    });
  }

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

  /** Release the socket for good. */
  dispose(): void {
    this.disposed = true;
    this.cancel();
  }

  private settle(outcome: ConnectOutcome): void {
    const onOutcome = this.onOutcome;
    this.onOutcome = undefined;
    this.startedAt = undefined;
    // An accepted connection is closed at once: only its existence mattered.
    this.socket.destroy();
    onOutcome?.(outcome);
  }
}
