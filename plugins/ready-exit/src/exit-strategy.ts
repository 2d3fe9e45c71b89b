import { PilotError, abortedPromise, lastLines, type ExitInfo, type ReadinessContext, type WaitStrategy } from '@pilot/core';
import { exitOptionsSchema, type ExitOptions } from './options.js';

/** How many of the last output lines a failure carries. */
const LOG_LINES = 10;

/**
 * `ready_strategy: exit`: a one-shot process (a migration, a build step) is ready when it exits
 * with code 0. Any other code, or death by a signal, fails the wait with an error naming it, so
 * its dependents are never started and `start()` rejects. Core keeps a process that exited 0
 * under this strategy in state `exited` and does not restart it.
 */
export const exitStrategy: WaitStrategy<ExitOptions> = {
  name: 'exit',
  options: exitOptionsSchema,
  acceptsExit: true,
  async wait(context) {
    const exit = await Promise.race([context.exited, abortedPromise(context.signal)]);
    if (exit.code === 0) return;
    throw exitFailure(context, exit);
  },
};

function exitFailure(context: ReadinessContext<ExitOptions>, exit: ExitInfo): PilotError {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const last = lastLines(context.lines(), LOG_LINES).map((line) => line.text);
  const output = last.length > 0 ? `; its last output:\n${last.map((text) => `    ${text}`).join('\n')}` : '';
  return new PilotError(
    'PILOT_READINESS_FAILED',
    `process "${context.process}" ${how} (ready_strategy "exit" needs exit code 0)${output}`,
    { process: context.process, logs: last },
  );
}
