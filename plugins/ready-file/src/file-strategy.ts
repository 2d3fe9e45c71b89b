import { resolve } from 'node:path';
import type { ReadinessContext, ReadinessStrategy } from '@pilot/core';
import { FileSession } from './file-session.js';
import { identityOf, statEntry } from './freshness.js';
import type { FileOptions } from './options.js';
import { fileOptionsSchema } from './options.js';

/** Sessions opened by `prepare`, found again by `wait` through the spawn's abort signal. */
const prepared = new WeakMap<AbortSignal, FileSession>();

/** The absolute readiness file path of a context. */
export function readinessFilePath(context: ReadinessContext<FileOptions>): string {
  return resolve(context.baseDirectory, context.options.path);
}

/**
 * `ready_strategy: file`: ready when `ready_params.path` exists and is evidence of this spawn.
 *
 * `prepare` (before spawn) snapshots the path and starts watching its directory; `wait` resolves
 * on the first fs.watch event after which a fresh entry exists. A file left by an earlier run
 * counts only once it is replaced or changed (new inode or change time) or touched after the
 * snapshot. Nothing is ever deleted. A missing directory is polled every 100 ms until it exists.
 */
export const fileStrategy: ReadinessStrategy<FileOptions> = {
  name: 'file',
  options: fileOptionsSchema,
  async prepare(context) {
    const path = readinessFilePath(context);
    const existing = statEntry(path);
    const session = new FileSession(path, { kind: 'snapshot', before: existing && identityOf(existing) });
    prepared.set(context.signal, session);
    // The spawn's signal aborts once its wait is over, whatever happens to the spawn afterwards.
    context.signal.addEventListener('abort', () => session.close(), { once: true });
    return { cleanup: () => session.close() };
  },
  async wait(context) {
    const own = prepared.get(context.signal);
    const session = own ?? new FileSession(readinessFilePath(context), { kind: 'spawn-time', spawnedAt: context.spawnedAt });
    try {
      await session.ready(context.signal);
    } finally {
      if (!own) session.close();
    }
  },
};
