import { chmodSync, lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PilotError } from '@pilot/core';

/**
 * Make `directory` a private directory: created 0700, or, if it exists, checked to be one. A
 * predictable path (`.pilot` in a shared project, a name in /tmp) could otherwise be prepared
 * by another user, who would then see or replace our socket, token and control.json.
 */
export function ensurePrivateDirectory(directory: string): void {
  try {
    mkdirSync(directory, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new PilotError('PILOT_INVALID_ARGUMENT', `control server: cannot create directory ${directory}: ${(error as Error).message}`, { cause: error });
    }
    // Existing: someone may have had access to it already, so it is checked, never widened or fixed.
    assertPrivateDirectory(directory);
    return;
  }
  // mkdir's mode is filtered by the umask (which may even remove our own bits): set it exactly.
  chmodSync(directory, 0o700);
  assertPrivateDirectory(directory);
}

/**
 * Throw unless `directory` is a real directory (not a symlink), owned by our uid, with no
 * permission for group or others. The message says which it is and how to fix it.
 */
export function assertPrivateDirectory(directory: string): void {
  const stat = lstatSync(directory);
  const uid = process.getuid?.();
  const elsewhere = 'remove it, or point control_server.options.socket elsewhere';
  let problem: string | undefined;
  if (stat.isSymbolicLink()) problem = `a symbolic link; ${elsewhere}`;
  else if (!stat.isDirectory()) problem = `not a directory; ${elsewhere}`;
  else if (uid !== undefined && stat.uid !== uid) problem = `owned by uid ${stat.uid}, not by this pilot's user (uid ${uid}); ${elsewhere}`;
  else if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    problem = `open to other users (mode ${mode}), so what is in it may not be ours; check its content and run chmod 700 ${directory}, or ${elsewhere}`;
  }
  if (problem !== undefined) throw new PilotError('PILOT_INVALID_ARGUMENT', `control server: ${directory} is ${problem}`);
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
