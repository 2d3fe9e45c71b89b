import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { ControlHttpOptions } from './options.js';

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
 * `$XDG_RUNTIME_DIR/pilot-<pid>`, else `<tmpdir>/pilot-<uid>-<pid>`: the home of a pilot whose
 * manifest has no file (built in memory), so two such pilots never share a socket.
 */
export function runtimeDirectory(pid = process.pid): string {
  const runtime = process.env.XDG_RUNTIME_DIR;
  if (runtime) return join(runtime, `pilot-${pid}`);
  return join(tmpdir(), `pilot-${process.getuid?.() ?? 'user'}-${pid}`);
}

/** Resolve the locations of docs/control-api.md for one pilot. */
export function controlLocations(options: ControlHttpOptions, baseDirectory: string, manifestPath: string | undefined): ControlLocations {
  const perProcess = manifestPath === undefined;
  const stateDirectory = perProcess ? runtimeDirectory() : join(dirname(manifestPath), '.pilot');
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
