import { resolve } from 'node:path';
import type { ReadinessContext, SessionStrategy } from '@pilot/core';
import { FileSession } from './file-session.js';
import { identityOf, statEntry } from './freshness.js';
import type { FileOptions } from './options.js';
import { fileOptionsSchema } from './options.js';

/** The absolute readiness file path of a context. */
export function readinessFilePath(context: ReadinessContext<FileOptions>): string {
  return resolve(context.baseDirectory, context.options.path);
}

/**
 * `ready_strategy: file`: ready when `ready_params.path` exists and is evidence of this spawn.
 *
 * `begin` (before spawn) snapshots the path and starts watching its directory; `ready()` resolves
 * on the first fs.watch event after which a fresh entry exists. A file left by an earlier run
 * counts only once it is replaced or changed (new inode or change time) or touched after the
 * snapshot. Nothing is ever deleted. A missing directory is polled every 100 ms until it exists.
 * `dispose()` releases the watcher or poll timer.
 */
export const fileStrategy: SessionStrategy<FileOptions> = {
  name: 'file',
  options: fileOptionsSchema,
  begin(context) {
    const path = readinessFilePath(context);
    const existing = statEntry(path);
    const session = new FileSession(path, existing && identityOf(existing));
    return { ready: () => session.ready(context.signal), dispose: () => session.close() };
  },
};
