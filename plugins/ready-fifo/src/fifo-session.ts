import { statSync, type BigIntStats } from 'node:fs';
import { PilotError } from '@pilot/core';
import { fifoFailure, notAFifo, type WaitSubject } from './fifo-errors.js';
import { FifoReader } from './fifo-reader.js';
import { ReadyLineScanner } from './ready-line-scanner.js';
import { watchName, type NameWatch } from '@pilot/core';

/**
 * Reads the FIFO at one path until a line `ready` arrives. The path's directory is watched, so
 * when the process replaces the FIFO (unlink + mkfifo, as process_pilot's services do) the new
 * one is opened at once, before the process retries its non-blocking open. Something other than
 * a FIFO at the path ends the wait with an error. Everything is released as soon as the outcome
 * is known or `close()` is called.
 */
export class FifoSession {
  private readonly watch: NameWatch;
  private reader: FifoReader | undefined;
  private readonly scanner = new ReadyLineScanner();
  private outcome: { ready: true } | { ready: false; error: Error } | undefined;
  private waiter: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly subject: WaitSubject,
  ) {
    this.watch = watchName(path, () => this.check());
    this.check();
  }

  /** Resolves once `ready` was read; rejects on a wrong entry or with the signal's reason on abort. */
  ready(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiter = undefined;
        reject(signal.reason ?? new PilotError('PILOT_STOPPED', 'readiness wait aborted'));
      };
      if (signal.aborted) return onAbort();
      const settle = (outcome: NonNullable<FifoSession['outcome']>) => {
        signal.removeEventListener('abort', onAbort);
        if (outcome.ready) resolve();
        else reject(outcome.error);
      };
      if (this.outcome) return settle(this.outcome);
      if (this.closed) return reject(new PilotError('PILOT_STOPPED', 'readiness wait aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiter = { resolve: () => settle({ ready: true }), reject: (error) => settle({ ready: false, error: error as Error }) };
    });
  }

  /** Release the watcher, the socket and its fd (idempotent). */
  close(): void {
    this.closed = true;
    this.watch.close();
    this.reader?.close();
    this.reader = undefined;
  }

  private check(): void {
    if (this.closed) return;
    let stats: BigIntStats | undefined;
    try {
      stats = statSync(this.path, { bigint: true, throwIfNoEntry: false });
    } catch {
      stats = undefined; // a parent is not a directory (yet): wait for the next change
    }
    // Gone: the process is replacing it; its new FIFO will be the next change.
    if (!stats) return;
    if (!stats.isFIFO()) return this.finish({ ready: false, error: notAFifo(this.subject, this.path, stats) });
    if (!this.reader?.holds(stats)) this.openReader();
  }

  private openReader(): void {
    this.reader?.close();
    this.reader = undefined;
    this.scanner.reset();
    try {
      this.reader = FifoReader.open(
        this.path,
        (chunk) => {
          if (this.scanner.push(chunk)) this.finish({ ready: true });
        },
        (error) => this.finish({ ready: false, error: fifoFailure(this.subject, this.path, 'failed reading', error) }),
      );
    } catch (error) {
      this.finish({ ready: false, error: fifoFailure(this.subject, this.path, 'cannot open', error) });
    }
  }

  private finish(outcome: NonNullable<FifoSession['outcome']>): void {
    if (this.outcome) return;
    this.outcome = outcome;
    this.close();
    const waiter = this.waiter;
    this.waiter = undefined;
    if (outcome.ready) waiter?.resolve();
    else waiter?.reject(outcome.error);
  }
}
