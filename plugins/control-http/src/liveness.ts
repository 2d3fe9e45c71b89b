import { readFileSync } from 'node:fs';
import { createConnection, type NetConnectOpts } from 'node:net';
import { PilotError, processExists } from '@pilot/core';

/** The content of `.pilot/control.json` (docs/control-api.md). */
export interface ControlFile {
  socket: string | null;
  url: string | null;
  pid: number;
}

/** Read control.json; undefined when missing or not ours to parse. */
export function readControlFile(path: string): ControlFile | undefined {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as Partial<ControlFile>;
    return typeof data.pid === 'number' ? { socket: data.socket ?? null, url: data.url ?? null, pid: data.pid } : undefined;
  } catch {
    return undefined;
  }
}

/** "pid 123" from control.json, for messages about the pilot holding a socket. */
export function describeOwner(controlFile: string): string {
  const file = readControlFile(controlFile);
  return file ? `pid ${file.pid}, see ${controlFile}` : 'its pid is unknown';
}


function accepts(target: NetConnectOpts): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(target);
    socket.setTimeout(1000);
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/**
 * Refuse to start when control.json names a pilot that is still serving: its pid is alive and
 * its endpoint accepts connections. A dead pid or a refused connect means it crashed: go on.
 */
export async function assertNoLivePilot(controlFile: string): Promise<void> {
  const file = readControlFile(controlFile);
  if (!file || !processExists(file.pid)) return;
  let target: NetConnectOpts | undefined;
  if (file.socket) target = { path: file.socket };
  else if (file.url) {
    const url = new URL(file.url);
    target = { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) };
  }
  if (target && (await accepts(target))) {
    throw new PilotError(
      'PILOT_ALREADY_RUNNING',
      `control server: another pilot (pid ${file.pid}) is already running for this manifest at ${file.socket ?? file.url} (${controlFile}); stop it first`,
    );
  }
}
