import { lstatSync, statSync, unlinkSync, type BigIntStats } from 'node:fs';
import { dirname } from 'node:path';
import { fifoFailure, notAFifo, type WaitSubject } from './fifo-errors.js';
import { makeFifo } from './make-fifo.js';

/** A FIFO the pilot made before a spawn; cleanup removes it only while it is still that one. */
export interface CreatedFifo {
  readonly path: string;
  readonly dev: bigint;
  readonly ino: bigint;
  readonly birthtimeNs: bigint;
}

function lstatOrNothing(path: string): BigIntStats | undefined {
  return lstatSync(path, { bigint: true, throwIfNoEntry: false });
}

/**
 * Put a fresh FIFO at `path` before the spawn. Nothing there: it is created. A FIFO there (left
 * by an earlier run): it is replaced, so that no writer of that run can reach this spawn's
 * reader. A symlink to a FIFO is used as it is. Anything else is an error and is left untouched.
 * A directory that does not exist yet is left for the process to create, with its FIFO.
 * Returns the FIFO it made, or undefined when it made none.
 */
export async function createPilotFifo(path: string, subject: WaitSubject, signal: AbortSignal): Promise<CreatedFifo | undefined> {
  let existing: BigIntStats | undefined;
  try {
    existing = lstatOrNothing(path);
  } catch (error) {
    throw fifoFailure(subject, path, 'cannot look at', error);
  }
  if (existing?.isSymbolicLink()) {
    const target = statSync(path, { bigint: true, throwIfNoEntry: false });
    if (target?.isFIFO()) return undefined;
    throw notAFifo(subject, path, target ?? existing);
  }
  if (existing && !existing.isFIFO()) throw notAFifo(subject, path, existing);
  const directory = statSync(dirname(path), { throwIfNoEntry: false });
  // No directory yet: the process may create it and its FIFO itself (process_pilot services do).
  if (!directory) return undefined;
  if (!directory.isDirectory()) throw fifoFailure(subject, dirname(path), 'cannot create its FIFO in', new Error('not a directory'));
  try {
    if (existing) unlinkSync(path);
    await makeFifo(path, signal);
  } catch (error) {
    throw fifoFailure(subject, path, 'could not create the FIFO', error);
  }
  const made = lstatSync(path, { bigint: true });
  return { path, dev: made.dev, ino: made.ino, birthtimeNs: made.birthtimeNs };
}

/**
 * Remove `fifo` if the path still holds it. A process that replaced it with a FIFO of its own
 * (process_pilot style) keeps its own; the birth time guards against inode reuse.
 */
export function removePilotFifo(fifo: CreatedFifo): void {
  try {
    const now = lstatOrNothing(fifo.path);
    if (now?.isFIFO() && now.dev === fifo.dev && now.ino === fifo.ino && now.birthtimeNs === fifo.birthtimeNs) unlinkSync(fifo.path);
  } catch {
    // the directory went away or changed hands: nothing of ours is left to remove
  }
}
