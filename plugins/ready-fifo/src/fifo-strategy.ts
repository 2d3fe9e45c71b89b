import { resolve } from 'node:path';
import type { ReadinessContext, SessionStrategy } from '@pilot/core';
import { FifoSession } from './fifo-session.js';
import { fifoOptionsSchema, type FifoOptions } from './options.js';
import { createPilotFifo, removePilotFifo } from './pilot-fifo.js';

/** The environment variable that tells the process where the FIFO is (absolute path). */
export const FIFO_ENV = 'PILOT_READY_FIFO';

/** The absolute FIFO path of a context. */
export function fifoPath(context: ReadinessContext<FifoOptions>): string {
  return resolve(context.baseDirectory, context.options.path);
}

/**
 * A FIFO readiness strategy under `name`: ready when the process writes a line `ready` into the
 * named pipe at `ready_params.path`.
 *
 * Before each spawn (`begin`) the pilot creates the FIFO (replacing a FIFO left by an earlier
 * run, never anything else), opens it for reading and passes its path in `PILOT_READY_FIFO`.
 * The process may also replace the FIFO with its own (process_pilot style); the new one is
 * opened as soon as it appears. `dispose()` releases every fd, socket and watcher and removes
 * the FIFO the pilot made (a FIFO the process made is left to it).
 */
export function createFifoStrategy(name: string): SessionStrategy<FifoOptions> {
  return {
    name,
    options: fifoOptionsSchema,
    async begin(context) {
      const path = fifoPath(context);
      const subject = { process: context.process, strategy: name };
      const created = await createPilotFifo(path, subject, context.signal);
      let session: FifoSession;
      try {
        session = new FifoSession(path, subject);
      } catch (error) {
        // No session, so no dispose: the FIFO made above is released here.
        if (created) removePilotFifo(created);
        throw error;
      }
      return {
        env: { [FIFO_ENV]: path },
        ready: () => session.ready(context.signal),
        dispose: () => {
          session.close();
          if (created) removePilotFifo(created);
        },
      };
    },
  };
}

/** `ready_strategy: fifo`. */
export const fifoStrategy: SessionStrategy<FifoOptions> = createFifoStrategy('fifo');

/** `ready_strategy: pipe`, process_pilot's name for the same strategy. */
export const pipeStrategy: SessionStrategy<FifoOptions> = createFifoStrategy('pipe');
