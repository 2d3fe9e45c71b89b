import { resolve } from 'node:path';
import { isPilotError, pollUntil, type WaitStrategy } from '@pilot/core';
import { execOptionsSchema, type ExecOptions } from './options.js';

/**
 * `ready_strategy: exec`: run `command` (an argv array, no shell) until it exits 0 while the
 * process is alive. Probes run through `context.exec`, on the process's executor: each is
 * contained like the process itself (its own group or cgroup, known to the lifeline), killed
 * with everything it started after `timeout_ms` or when the wait ends, and whatever it left in
 * the background is killed when it exits. A probe that cannot be started at all (missing
 * executable or working directory) fails the wait at once.
 */
export const execStrategy: WaitStrategy<ExecOptions> = {
  name: 'exec',
  options: execOptionsSchema,
  async wait(context) {
    const { command, timeout_ms: timeoutMs, interval_ms: intervalMs } = context.options;
    const cwd = resolve(context.baseDirectory, context.options.cwd ?? '.');
    await pollUntil(context.signal, intervalMs, async () => {
      // The pid is read per probe: the same context describes the spawn as it happens.
      const env = { ...context.options.env, PILOT_PROCESS_NAME: context.process, PILOT_PROCESS_PID: String(context.pid ?? '') };
      const outcome = await context.exec(command, { cwd, env, timeoutMs }).catch((error: unknown) => {
        throw startFailure(error);
      });
      if (outcome.timedOut) context.report(`the probe ran longer than timeout_ms (${timeoutMs} ms)`);
      else if (outcome.code !== 0) context.report(`the probe ${outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.code}`}`);
      return !outcome.timedOut && outcome.code === 0 && context.isAlive();
    });
  },
};

/** A probe that could not start: which ready_params key to fix; other errors as they are. */
function startFailure(error: unknown): unknown {
  if (isPilotError(error, 'PILOT_WORKING_DIRECTORY_NOT_FOUND')) return new Error(`ready_params.cwd: ${error.message}`, { cause: error });
  if (isPilotError(error, 'PILOT_EXECUTABLE_NOT_FOUND')) return new Error(`ready_params.command: ${error.message}`, { cause: error });
  return error;
}
