import type { BigIntStats, Stats } from 'node:fs';
import { PilotError } from '@pilot/core';

/** Who is waiting, for error messages. */
export interface WaitSubject {
  process: string;
  strategy: string;
}

/** "a regular file", "a directory", ... for messages. */
export function describeEntry(stats: Stats | BigIntStats): string {
  if (stats.isFile()) return 'a regular file';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isFIFO()) return 'a FIFO';
  return 'an entry of unknown kind';
}

/** Something other than a FIFO is at the path: an error, and the entry is never touched. */
export function notAFifo(subject: WaitSubject, path: string, stats: Stats | BigIntStats): PilotError {
  return new PilotError(
    'PILOT_READINESS_FAILED',
    `process "${subject.process}": ready_strategy "${subject.strategy}" expected a FIFO (named pipe) at ${path}, ` +
      `found ${describeEntry(stats)}; it was left untouched: remove it or choose another ready_params.path`,
    { process: subject.process },
  );
}

/** A FIFO-related failure with its cause, naming process, strategy and path. */
export function fifoFailure(subject: WaitSubject, path: string, what: string, cause?: unknown): PilotError {
  // Duck-typed: errors from another realm (a vm context, a worker) fail `instanceof Error`.
  const message = (cause as { message?: unknown } | undefined)?.message;
  const reason = typeof message === 'string' ? `: ${message}` : '';
  return new PilotError('PILOT_READINESS_FAILED', `process "${subject.process}": ready_strategy "${subject.strategy}" ${what} ${path}${reason}`, {
    process: subject.process,
    cause,
  });
}
