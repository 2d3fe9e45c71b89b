import { resolve } from 'node:path';
import type { ReadinessContext, ReadinessStrategy } from '@pilot/core';
import { FifoSession } from './fifo-session.js';
import { fifoOptionsSchema, type FifoOptions } from './options.js';
import { createPilotFifo, removePilotFifo } from './pilot-fifo.js';

/** The environment variable that tells the process where the FIFO is (absolute path). */
export const FIFO_ENV = 'PILOT_READY_FIFO';

/** Sessions opened by `prepare`, found again by `wait` through the spawn's abort signal. */
const prepared = new WeakMap<AbortSignal, FifoSession>();

/** The absolute FIFO path of a context. */
export function fifoPath(context: ReadinessContext<FifoOptions>): string {
  return resolve(context.baseDirectory, context.options.path);
}

/**
 * A FIFO readiness strategy under `name`: ready when the process writes a line `ready` into the
 * named pipe at `ready_params.path`.
 *
 * Before each spawn (`prepare`) the pilot creates the FIFO (replacing a FIFO left by an earlier
 * run, never anything else), opens it for reading and passes its path in `PILOT_READY_FIFO`.
 * The process may also replace the FIFO with its own (process_pilot style); the new one is
 * opened as soon as it appears. After the wait, every fd, socket and watcher is released and
 * the FIFO the pilot made is removed (a FIFO the process made is left to it).
 */
export function createFifoStrategy(name: string): ReadinessStrategy<FifoOptions> {
  return {
    name,
    options: fifoOptionsSchema,
    async prepare(context) {
      const path = fifoPath(context);
      const subject = { process: context.process, strategy: name };
      const created = await createPilotFifo(path, subject, context.signal);
      const session = new FifoSession(path, subject);
      prepared.set(context.signal, session);
      // The spawn's signal aborts once its wait is over, whatever happens to the spawn afterwards.
      context.signal.addEventListener('abort', () => session.close(), { once: true });
      return {
        env: { [FIFO_ENV]: path },
        cleanup: () => {
          session.close();
          if (created) removePilotFifo(created);
        },
      };
    },
    async wait(context) {
      const own = prepared.get(context.signal);
      const session = own ?? new FifoSession(fifoPath(context), { process: context.process, strategy: name });
      try {
        await session.ready(context.signal);
      } finally {
        if (!own) session.close();
      }
    },
  };
}

/** `ready_strategy: fifo`. */
export const fifoStrategy: ReadinessStrategy<FifoOptions> = createFifoStrategy('fifo');

/** `ready_strategy: pipe`, process_pilot's name for the same strategy. */
export const pipeStrategy: ReadinessStrategy<FifoOptions> = createFifoStrategy('pipe');
