import type { ProcessInfo, ProcessView } from '@pilot/core';

export type { ProcessView };
import type { PilotFeed } from './feed.js';

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
    lastExit: info.lastExit ?? null,
    uptimeMs: alive && info.startedAt !== undefined ? Math.max(0, now - info.startedAt) : null,
    cpu: stats?.cpu ?? null,
    memory: stats?.memory ?? null,
  };
}
