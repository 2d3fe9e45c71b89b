import type { z } from 'zod';
import type { LogLine } from './process/output.js';
import { PilotError } from './errors.js';

/** What a readiness strategy learns about the process it watches. */
export interface ReadinessContext<Options = Record<string, unknown>> {
  /** The process's manifest name. */
  readonly process: string;
  /** Its validated `ready_params` (defaults applied); resolve relative paths against `baseDirectory`. */
  readonly options: Options;
  /** The directory relative paths resolve against (`base_directory`, else the manifest's directory). */
  readonly baseDirectory: string;
  /** Aborted when the wait must end: timeout, process exit, or stop. Release everything on abort. */
  readonly signal: AbortSignal;
  /** Process id of this spawn (undefined in `prepare`, before spawn). */
  readonly pid: number | undefined;
  /** `Date.now()` just before this spawn: evidence older than this is stale. */
  readonly spawnedAt: number;
  /** True while the process of this spawn is alive. */
  isAlive(): boolean;
  /** Lines printed by this spawn so far (never lines of an earlier run). */
  lines(): readonly LogLine[];
  /** Calls `listener` for every later line of this spawn; returns the unsubscribe function. */
  onLine(listener: (line: LogLine) => void): () => void;
  /**
   * Tell the pilot what the last attempt saw ("status 503", "connection refused"); the latest
   * report is appended to a timeout error so the user learns why readiness never came.
   */
  report(detail: string): void;
  /** Resolves with the exit of this spawn (only meaningful for strategies with `acceptsExit`). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** What `prepare` may return: environment variables to add to the spawn. */
export interface ReadinessPreparation {
  env?: Record<string, string>;
  /** Called once the wait ended (ready, failed or aborted), to release what `prepare` made. */
  cleanup?: () => void | Promise<void>;
}

/**
 * A readiness strategy, registered by name (`ready_strategy: tcp`).
 *
 * @example
 * ```ts
 * const always: ReadinessStrategy<{}> = { name: 'always', wait: async () => {} };
 * ```
 */
export interface ReadinessStrategy<Options = any> {
  /** The name a manifest uses in `ready_strategy`. */
  name: string;
  /** zod schema for `ready_params`, validated when the manifest is checked against plugins. */
  options?: z.ZodType<Options>;
  /**
   * When true, the process exiting is not a failure: the strategy decides (the `exit` strategy).
   * @default false
   */
  acceptsExit?: boolean;
  /**
   * Runs before each spawn, e.g. to create a FIFO and pass its path in the environment. `prepare`
   * and `wait` of one spawn receive the very same context object (and signal), so per-spawn state
   * can be kept in a WeakMap keyed by it. A throw fails the start with PILOT_READINESS_FAILED.
   */
  prepare?(context: ReadinessContext<Options>): Promise<ReadinessPreparation | void>;
  /**
   * Resolves once the process is ready. Must settle promptly when `context.signal` aborts and
   * release every watcher, socket, fd, timer and helper process it made.
   */
  wait(context: ReadinessContext<Options>): Promise<void>;
}

/** Rejects with the signal's reason once `signal` aborts; a helper for strategy authors. */
export function abortedPromise(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(signal.reason ?? new PilotError('PILOT_STOPPED', 'readiness wait aborted'));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

/**
 * Calls `attempt` until it returns true, waiting `intervalMs` between attempts, until `signal`
 * aborts. For strategies without an event source (tcp, http, exec).
 */
export async function pollUntil(
  signal: AbortSignal,
  intervalMs: number,
  attempt: () => Promise<boolean>,
): Promise<void> {
  while (!signal.aborted) {
    if (await attempt()) return;
    if (signal.aborted) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, intervalMs);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
  throw signal.reason ?? new PilotError('PILOT_STOPPED', 'readiness wait aborted');
}
