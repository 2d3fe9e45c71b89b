import { isPilotError, type PluginContext } from '@pilot/core';
import { HttpError } from './respond.js';

/** The fixed set of actions `POST /v1/processes/:name/<action>` accepts. */
export const ACTIONS = ['start', 'stop', 'restart'] as const;
/** One of {@link ACTIONS}. */
export type Action = (typeof ACTIONS)[number];

/** True when `value` names an action. */
export const isAction = (value: string): value is Action => (ACTIONS as readonly string[]).includes(value);

/** States in which a live instance exists or is about to (mirrors core's ACTIVE_STATES). */
const ACTIVE = new Set(['starting', 'running', 'stopping', 'restarting']);

/** HTTP status for a failed action, by PilotError code: the caller's conflict (409) or the process's failure (500). */
function statusOf(error: unknown): number {
  if (!isPilotError(error)) return 500;
  switch (error.code) {
    case 'PILOT_UNKNOWN_PROCESS':
      return 404;
    case 'PILOT_ALREADY_RUNNING':
    case 'PILOT_DEPENDENCY_FAILED':
    case 'PILOT_STOPPED':
      return 409;
    default:
      return 500;
  }
}

/**
 * Runs start / stop / restart for the API. Actions on one process run one after another (two
 * concurrent restarts would otherwise race); while the pilot stops, new actions get 503 and
 * the ones in flight are awaited, so none of them spawns a process after the pilot stopped it.
 */
export class ActionRunner {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private refusing = false;

  constructor(private readonly pilot: PluginContext) {}

  /** Run `action` on `name` after the actions already queued for it. */
  run(name: string, action: Action): Promise<void> {
    if (this.refusing) return Promise.reject(new HttpError(503, 'the pilot is stopping; actions are refused until it starts again'));
    const previous = this.queues.get(name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.dispatch(name, action));
    this.queues.set(name, next);
    this.inFlight.add(next);
    const settle = () => {
      this.inFlight.delete(next);
      if (this.queues.get(name) === next) this.queues.delete(name);
    };
    next.then(settle, settle);
    return next;
  }

  /** Refuse new actions and wait for those in flight (the pilot's `beforeStop`). */
  async drain(): Promise<void> {
    this.refusing = true;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async dispatch(name: string, action: Action): Promise<void> {
    try {
      switch (action) {
        case 'start': {
          const status = this.pilot.getRunningProcess(name)?.status;
          if (status !== undefined && ACTIVE.has(status)) throw new HttpError(409, `process "${name}" is already ${status}; stop it first or POST .../restart`);
          return await this.pilot.startProcess(name);
        }
        case 'stop':
          return await this.pilot.stopProcess(name);
        case 'restart':
          return await this.pilot.restartProcesses([name]);
      }
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw new HttpError(statusOf(error), `${action} "${name}" failed: ${(error as Error).message}`);
    }
  }
}
