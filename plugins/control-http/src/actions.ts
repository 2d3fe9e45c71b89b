import { isPilotError, type PluginContext } from '@pilot/core';
import { HttpError } from './respond.js';

/** The fixed set of actions `POST /v1/processes/:name/<action>` accepts. */
export const ACTIONS = ['start', 'stop', 'restart'] as const;
/** One of {@link ACTIONS}. */
export type Action = (typeof ACTIONS)[number];

/** True when `value` names an action. */
export const isAction = (value: string): value is Action => (ACTIONS as readonly string[]).includes(value);

/** What a client is told while the pilot stops (docs/control-api.md). */
export const STOPPING_MESSAGE = 'the pilot is stopping; actions are refused until it starts again';

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
 * Run start / stop / restart of `name` for the API. Core's operation queue serialises them per
 * process, refuses them while the pilot stops and drains them in `stop()`: this only maps the
 * outcome to HTTP. A refusal because the pilot stops is 503 (come back later), not a conflict.
 */
export async function runAction(pilot: PluginContext, name: string, action: Action): Promise<void> {
  try {
    switch (action) {
      case 'start':
        return await pilot.startProcess(name);
      case 'stop':
        return await pilot.stopProcess(name);
      case 'restart':
        return await pilot.restartProcesses([name]);
    }
  } catch (error) {
    if (isPilotError(error, 'PILOT_STOPPED') && pilot.snapshot().stopping) throw new HttpError(503, STOPPING_MESSAGE);
    throw new HttpError(statusOf(error), `${action} "${name}" failed: ${(error as Error).message}`);
  }
}
