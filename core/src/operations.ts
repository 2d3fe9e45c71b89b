import { PilotError } from './errors.js';

/**
 * One queue per process for the operations people and plugins ask for (start, stop, restart of
 * one process): they run one after another, in the order asked, so two restarts never race. While
 * the pilot stops every new operation is refused with PILOT_STOPPED, and `stop()` waits for the
 * ones in flight (within kill_timeout), so none of them spawns a process after the stop.
 */
export class OperationQueues {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private refusing = false;

  /** Run `operation` on process `name` after those already queued for it. `what` names it in errors. */
  run<T>(name: string, what: string, operation: () => Promise<T>): Promise<T> {
    if (this.refusing) return Promise.reject(this.refusal(what));
    const previous = this.tails.get(name) ?? Promise.resolve();
    const next = previous.then(() => {
      // Queued before the stop began, but not begun: refused too.
      if (this.refusing) throw this.refusal(what);
      return operation();
    });
    const tail = next.catch(() => undefined);
    this.tails.set(name, tail);
    this.inFlight.add(tail);
    void tail.then(() => {
      this.inFlight.delete(tail);
      if (this.tails.get(name) === tail) this.tails.delete(name);
    });
    return next;
  }

  /** True while an operation on `name` is queued or running. */
  busy(name: string): boolean {
    return this.tails.has(name);
  }

  /** Refuse new operations (the pilot begins to stop). */
  refuse(): void {
    this.refusing = true;
  }

  /** Accept operations again (the stop is over). */
  accept(): void {
    this.refusing = false;
  }

  /** Settles when every operation queued or running has settled. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private refusal(what: string): PilotError {
    return new PilotError('PILOT_STOPPED', `cannot ${what}: the pilot is stopping`);
  }
}
