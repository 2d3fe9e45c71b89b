import { chmodSync, linkSync, lstatSync, mkdtempSync, rmdirSync, unlinkSync } from 'node:fs';
import type { Server } from 'node:http';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { PilotError } from '@pilot/core';

/** Longest unix socket path Linux accepts (sun_path is 108 bytes with the terminating NUL). */
const MAX_SOCKET_PATH = 107;

/** Which file a socket path held when we bound it, so that close removes only our own. */
export interface SocketIdentity {
  path: string;
  dev: number;
  ino: number;
}

/** What is at a socket path: nothing, a socket nobody accepts on (stale), a live socket, or another file. */
export type SocketState = 'absent' | 'stale' | 'live' | 'not-a-socket';

/** Probe `path`: a connect refused means the pilot that made it is gone. */
export async function probeSocket(path: string): Promise<SocketState> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return 'absent';
  }
  if (!isSocket) return 'not-a-socket';
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve('live');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      if (error.code === 'ECONNREFUSED') resolve('stale');
      else if (error.code === 'ENOENT') resolve('absent');
      // A full backlog means someone is listening.
      else if (error.code === 'EAGAIN') resolve('live');
      else reject(new PilotError('PILOT_INVALID_ARGUMENT', `control server: cannot probe socket ${path}: ${error.message}`, { cause: error }));
    });
  });
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(path, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/**
 * Listen on the unix socket `target`, mode 0600 from the moment it appears there, whatever the
 * umask: bind inside a fresh 0700 directory next to it, chmod, then hard-link into place. The
 * link fails if something appeared at `target` meanwhile, so two pilots cannot both win.
 * A stale socket (connect refused: its pilot crashed) is replaced; a live one is an error.
 */
export async function listenOnUnixSocket(server: Server, target: string, describeOwner: () => string): Promise<SocketIdentity> {
  if (Buffer.byteLength(target) > MAX_SOCKET_PATH) {
    throw new PilotError('PILOT_INVALID_ARGUMENT', `control server: socket path ${target} is longer than ${MAX_SOCKET_PATH} bytes; set control_server.options.socket to a shorter path`);
  }
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const state = await probeSocket(target);
    if (state === 'live') {
      throw new PilotError('PILOT_ALREADY_RUNNING', `control server: another pilot is already running for this manifest (${describeOwner()}; its socket ${target} accepts connections); stop it first, or give this one another control_server.options.socket`);
    }
    if (state === 'not-a-socket') {
      throw new PilotError('PILOT_INVALID_ARGUMENT', `control server: ${target} exists and is not a socket; remove it or set control_server.options.socket to another path`);
    }
    if (state === 'stale') unlinkSync(target);
    if (server.listening) await new Promise((resolve) => server.close(resolve));
    const scratch = mkdtempSync(join(dirname(target), '.bind-'));
    const bound = join(scratch, 's');
    try {
      await listen(server, bound);
      chmodSync(bound, 0o600);
      linkSync(bound, target);
      const stat = lstatSync(target);
      return { path: target, dev: stat.dev, ino: stat.ino };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        if (server.listening) server.close();
        throw error;
      }
      // Another process created the path between probe and link: probe again.
    } finally {
      try {
        unlinkSync(bound);
      } catch {
        // never bound
      }
      rmdirSync(scratch);
    }
  }
  throw new PilotError('PILOT_ALREADY_RUNNING', `control server: ${target} keeps being re-created by another process; stop the other pilot first`);
}

/** Remove the socket file if it is still the one we bound (a newer pilot may own the path now). */
export function removeOwnSocket(identity: SocketIdentity): void {
  try {
    const stat = lstatSync(identity.path);
    if (stat.dev === identity.dev && stat.ino === identity.ino) unlinkSync(identity.path);
  } catch {
    // already gone
  }
}
