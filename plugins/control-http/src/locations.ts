import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PilotError } from '@pilot/core';
import type { ControlHttpOptions } from './options.js';
import { assertPrivateDirectory } from './private-files.js';

/** Where a control server keeps its files. */
export interface ControlLocations {
  /** Private directory (0700) holding control.json and the token file. */
  stateDirectory: string;
  /** True when the state directory belongs to this pilot process only (removed on close). */
  perProcess: boolean;
  /** The unix socket, unless TCP is used. */
  socket: string | undefined;
  /** `control.json`: how clients find the server. */
  controlFile: string;
  /** Where a generated token is written. */
  tokenFile: string;
}

/**
 * A fresh private directory `$XDG_RUNTIME_DIR/pilot-<pid>-XXXXXX` (else under the system temp
 * directory): the home of a pilot whose manifest has no file (built in memory). `mkdtemp` picks
 * an unpredictable name and creates it 0700, so no other user can create it first to catch the
 * socket (a `pilot-<pid>` name in /tmp could be squatted). Checked before use all the same.
 */
export function createRuntimeDirectory(pid = process.pid): string {
  const base = process.env.XDG_RUNTIME_DIR || tmpdir();
  let directory: string;
  try {
    directory = mkdtempSync(join(base, `pilot-${pid}-`));
  } catch (error) {
    const hint = process.env.XDG_RUNTIME_DIR ? 'XDG_RUNTIME_DIR' : 'the system temp directory (TMPDIR)';
    throw new PilotError('PILOT_INVALID_ARGUMENT', `control server: cannot create a runtime directory in ${base}: ${(error as Error).message}; point ${hint} at a writable directory, or give the manifest a file`, { cause: error });
  }
  assertPrivateDirectory(directory);
  return directory;
}

/** Resolve the locations of docs/control-api.md for one pilot; without a manifest file this creates the runtime directory. */
export function controlLocations(options: ControlHttpOptions, baseDirectory: string, manifestPath: string | undefined): ControlLocations {
  const perProcess = manifestPath === undefined;
  const stateDirectory = perProcess ? createRuntimeDirectory() : join(dirname(manifestPath), '.pilot');
  let socket: string | undefined;
  if (!options.tcp) socket = options.socket ? resolve(baseDirectory, options.socket) : join(stateDirectory, 'control.sock');
  return {
    stateDirectory,
    perProcess,
    socket,
    controlFile: join(stateDirectory, 'control.json'),
    tokenFile: join(stateDirectory, 'token'),
  };
}
