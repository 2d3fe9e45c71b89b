import type { ProcessInfo, ProcessState } from '@pilot/core';
import type { PilotFeed } from './feed.js';

/** One process as the API shows it (docs/control-api.md). */
export interface ProcessView {
  name: string;
  pid: number | null;
  status: ProcessState;
  restarts: number;
  returnCode: number | null;
  signal: string | null;
  /** Milliseconds since the current instance was spawned; null when none is alive. */
  uptimeMs: number | null;
  /** CPU % of the process tree from the latest stats sample; null before the first one. */
  cpu: number | null;
  /** Resident bytes of the process tree from the latest stats sample; null before the first one. */
  memory: number | null;
}

/** Build the API view of `info`, with cpu and memory of the latest sample of the same pid. */
export function processView(info: ProcessInfo, feed: PilotFeed, now = Date.now()): ProcessView {
  const alive = info.pid !== undefined;
  const stats = alive ? feed.statsOf(info.name, info.pid) : undefined;
  return {
    name: info.name,
    pid: info.pid ?? null,
    status: info.status,
    restarts: info.restarts,
    returnCode: info.returnCode,
    signal: info.signal,
    uptimeMs: alive && info.startedAt !== undefined ? Math.max(0, now - info.startedAt) : null,
    cpu: stats?.cpu ?? null,
    memory: stats?.memory ?? null,
  };
}
