import { PilotError } from './errors.js';
import type { ProcessInfo, ProcessState } from './process/state.js';

type Waiter = { name: string; state: ProcessState; resolve: (info: ProcessInfo) => void };

/** Pending `waitFor(name, state)` calls, fed by the pilot's own `stateChange` tap. */
export class StateWaiters {
  private readonly waiters = new Set<Waiter>();

  /** Called on every state transition. */
  notify(info: ProcessInfo): void {
    for (const waiter of this.waiters) {
      if (waiter.name === info.name && waiter.state === info.status) {
        this.waiters.delete(waiter);
        waiter.resolve(info);
      }
    }
  }

  /** Resolve when `current()` is in `state` or a transition reaches it; reject after `timeoutMs`. */
  wait(name: string, state: ProcessState, current: () => ProcessInfo, timeoutMs: number): Promise<ProcessInfo> {
    const now = current();
    if (now.status === state) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        name,
        state,
        resolve: (info) => {
          clearTimeout(timer);
          resolve(info);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new PilotError('PILOT_WAIT_TIMEOUT', `process "${name}" did not reach state "${state}" within ${timeoutMs} ms (it is ${current().status})`, { process: name }));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}
