import type { ProcessSnapshot, ProcessView } from '@pilot/core';

export type { ProcessView };

/** The API view of one process of the pilot's snapshot (docs/control-api.md). */
export function processView(process: ProcessSnapshot): ProcessView {
  return {
    name: process.name,
    replica: process.ref.replica,
    pid: process.pid ?? null,
    status: process.status,
    restarts: process.restarts,
    returnCode: process.returnCode,
    signal: process.signal,
    lastExit: process.lastExit ?? null,
    uptimeMs: process.uptimeMs,
    cpu: process.stats?.cpu ?? null,
    memory: process.stats?.memory ?? null,
  };
}
