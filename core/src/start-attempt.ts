import { PilotError } from './errors.js';

/**
 * One call of `ProcessPilot.start()`, cancellable at any moment: every step races the abort,
 * so a `stop()` wins over a start that has not finished, whichever step it is in (loading
 * plugins, starting the control server, waiting for readiness). The step that was in flight is
 * remembered so that the stop can let it settle before it closes what that step opened.
 */
export class StartAttempt {
  aborted = false;
  private inFlight: Promise<unknown> = Promise.resolve();
  private readonly cancelled: Promise<never>;
  private reject!: (error: PilotError) => void;

  constructor() {
    this.cancelled = new Promise<never>((_, reject) => (this.reject = reject));
    this.cancelled.catch(() => undefined);
  }

  /** Cancel the start: the current and every later step reject with PILOT_STOPPED. */
  abort(): void {
    this.aborted = true;
    this.reject(new PilotError('PILOT_STOPPED', 'the pilot was stopped before every process was ready'));
  }

  /** Await `work` unless the start is cancelled first; a stop lets `work` settle before it closes the services. */
  async step<T>(work: Promise<T> | T): Promise<T> {
    const promise = Promise.resolve(work);
    this.inFlight = promise.catch(() => undefined);
    return this.waitFor(promise);
  }

  /** Await `work` unless the start is cancelled first, without making a stop wait for it (a previous stop). */
  async waitFor<T>(work: Promise<T> | T): Promise<T> {
    if (this.aborted) await this.cancelled;
    return Promise.race([Promise.resolve(work), this.cancelled]);
  }

  /** Settles when the step that was in flight has settled (it may have been abandoned by abort). */
  settled(): Promise<unknown> {
    return this.inFlight;
  }
}
