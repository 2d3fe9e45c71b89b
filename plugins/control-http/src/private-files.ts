import { chmodSync, lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PilotError } from '@pilot/core';

/**
 * Make `directory` a private directory: created 0700, or, if it exists, checked to be a real
 * directory (not a symlink) owned by us and then chmod-ed to 0700. A predictable path in a
 * shared place (/tmp) could otherwise be pre-created by another user to catch our socket.
 */
export function ensurePrivateDirectory(directory: string): void {
  try {
    mkdirSync(directory, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new PilotError('PILOT_INVALID_ARGUMENT', `control server: cannot create directory ${directory}: ${(error as Error).message}`, { cause: error });
    }
  }
  const stat = lstatSync(directory);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) {
    const what = stat.isSymbolicLink() ? 'a symbolic link' : !stat.isDirectory() ? 'not a directory' : `owned by uid ${stat.uid}, not by us (uid ${uid})`;
    throw new PilotError('PILOT_INVALID_ARGUMENT', `control server: ${directory} is ${what}; remove it or point control_server.options.socket elsewhere`);
  }
  // mkdir's mode is filtered by the umask, and an existing directory may be wider: set it exactly.
  if ((stat.mode & 0o777) !== 0o700) chmodSync(directory, 0o700);
}

/** Create the missing directories above a socket path, 0700 each; existing ones are left as they are. */
export function ensureParentDirectory(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
}

/** Write `content` to `path` with mode 0600, atomically (temp file + rename), whatever the umask. */
export function writePrivateFile(path: string, content: string): void {
  const temporary = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temporary, content, { mode: 0o600, flag: 'wx' });
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Remove `path` if it exists; never throws (used on close). */
export function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Close must go on: a leftover file is reported by nobody and replaced on the next start.
  }
}
