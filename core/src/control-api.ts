import type { ProcessState } from './process/state.js';

/**
 * One process as a control server reports it (docs/control-api.md): the shape shared by
 * `@pilot/plugin-control-http` and the `pilot status` client.
 */
export interface ProcessView {
  name: string;
  /** Replica index (0: one replica per manifest entry today). */
  replica: number;
  pid: number | null;
  status: ProcessState;
  restarts: number;
  returnCode: number | null;
  signal: string | null;
  /** The last exit, kept across restarts: code or signal and when (ms since epoch); null before the first exit. */
  lastExit: { code: number | null; signal: string | null; time: number } | null;
  /** Milliseconds since the current instance was spawned; null when none is alive. */
  uptimeMs: number | null;
  /** CPU % of the process tree from the latest stats sample; null before the first one. */
  cpu: number | null;
  /** Resident bytes of the process tree from the latest stats sample; null before the first one. */
  memory: number | null;
}
