import type { z } from 'zod';
import type { LogLine } from './process/output.js';
import type { ExitInfo } from './process/state.js';
import { PilotError } from './errors.js';

/** How a probe command ran ({@link ReadinessContext.exec}). */
export interface ProbeResult {
  /** Exit code, or null when it was killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when it outlived `timeoutMs` and was killed with everything it started. */
  timedOut: boolean;
  /** Its output lines joined with `\n` (at most 64 KiB of each stream are kept). */
  stdout: string;
  stderr: string;
}

/** Options of one probe ({@link ReadinessContext.exec}). */
export interface ProbeOptions {
  /** Working directory (absolute). @default the context's `baseDirectory` */
  cwd?: string;
  /** Variables added to the pilot's environment (`PATH` from here is searched for the executable). */
  env?: Record<string, string>;
  /** Kill the probe and everything it started after this long. */
  timeoutMs: number;
  /** Abort the probe (killed at once; the call rejects with the signal's reason). @default the context's signal */
  signal?: AbortSignal;
}

/**
 * What a readiness strategy knows about one spawn of the process it watches. One object per
 * spawn: `begin` gets it before the spawn, and the same object fills in as the spawn happens
 * (`pid`, `host`, `lines`, `exited` describe this spawn once it exists, never an earlier run).
 */
export interface ReadinessContext<Options = Record<string, unknown>> {
  /** The process's manifest name. */
  readonly process: string;
  /** Its validated `ready_params` (defaults applied); resolve relative paths against `baseDirectory`. */
  readonly options: Options;
  /** The directory relative paths resolve against (`base_directory`, else the manifest's directory). */
  readonly baseDirectory: string;
  /** Aborted when the wait must end: ready, timeout, process exit, stop or a failed spawn. */
  readonly signal: AbortSignal;
  /** Process id of this spawn on its host; undefined in `begin` (before the spawn). */
  readonly pid: number | undefined;
  /**
   * Where the process runs, as its executor says (`localhost` for the local executor). In `begin`
   * it is where the process will run, when the executor tells (`local` does); undefined otherwise.
   * Connect here, not to an assumed local address: a remote executor's pids are not ours.
   */
  readonly host: string | undefined;
  /** `Date.now()` just before `begin`: evidence older than this is stale. */
  readonly spawnedAt: number;
  /** True while the process of this spawn is alive (false before the spawn). */
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
  /** Resolves with the exit of this spawn (never settles before the spawn); for `acceptsExit` strategies. */
  readonly exited: Promise<ExitInfo>;
  /**
   * Run a probe command (argv, no shell) where the process runs, through its executor: it is
   * contained like the process (its own group or cgroup, known to the lifeline, killed with the
   * pilot), killed with everything it started at `timeoutMs` or on abort, and whatever it left in
   * the background is killed when it exits. Rejects with PILOT_EXECUTABLE_NOT_FOUND or
   * PILOT_WORKING_DIRECTORY_NOT_FOUND when it cannot start, and with the signal's reason on abort.
   */
  exec(argv: readonly string[], options: ProbeOptions): Promise<ProbeResult>;
}

/**
 * The readiness wait of one spawn, made by {@link SessionStrategy.begin} before the spawn.
 * Core calls `ready()` at most once, after the spawn, and `dispose()` exactly once, whatever
 * happened: ready, failed, timed out, aborted by a stop, or the spawn itself failed (then
 * `ready()` is never called). `context.signal` is aborted before `dispose()`.
 */
export interface ReadinessSession {
  /** Variables added to the spawn's environment (e.g. where the FIFO is). */
  readonly env?: Record<string, string>;
  /**
   * Resolves once the process is ready. Must settle promptly (rejecting with the signal's
   * reason) when `context.signal` aborts. A rejection fails the start with PILOT_READINESS_FAILED.
   */
  ready(): Promise<void>;
  /**
   * Release everything `begin` and `ready` made: watchers, sockets, fds, timers, helper processes,
   * files that were only for this spawn. Called once. A throw after a successful wait fails the
   * start (PILOT_READINESS_FAILED); after a failed one, the wait's own error is what is reported.
   */
  dispose(): void | Promise<void>;
}

/** What every readiness strategy has, whichever shape it takes. */
export interface StrategyBase<Options> {
  /** The name a manifest uses in `ready_strategy`. */
  name: string;
  /** zod schema for `ready_params`, validated when the manifest is checked against plugins. */
  options?: z.ZodType<Options>;
  /**
   * When true, the process exiting is not a failure: the strategy decides (the `exit` strategy).
   * @default false
   */
  acceptsExit?: boolean;
}

/**
 * A strategy with per-spawn state: `begin` runs before each spawn (take a snapshot of what
 * exists, create a FIFO, probe a port) and returns the session that waits and releases.
 * A throw fails the start with PILOT_READINESS_FAILED; nothing is spawned.
 */
export interface SessionStrategy<Options = any> extends StrategyBase<Options> {
  begin(context: ReadinessContext<Options>): ReadinessSession | Promise<ReadinessSession>;
  wait?: never;
}

/**
 * Shorthand for a strategy with nothing to do before the spawn and nothing to release beyond what
 * `wait` releases itself: `wait(context)` is the session's `ready()`, run after the spawn.
 */
export interface WaitStrategy<Options = any> extends StrategyBase<Options> {
  /**
   * Resolves once the process is ready. Must settle promptly when `context.signal` aborts and
   * release every watcher, socket, fd, timer and helper process it made.
   */
  wait(context: ReadinessContext<Options>): Promise<void>;
  begin?: never;
}

/**
 * A readiness strategy, registered by name (`ready_strategy: tcp`): either `begin` (per-spawn
 * session) or `wait` (shorthand). See docs/writing-a-plugin.md, and run
 * `readinessConformance` from `@pilot/core/testing` in its tests.
 *
 * @example
 * ```ts
 * const always: ReadinessStrategy<{}> = { name: 'always', wait: async () => {} };
 * const flag: ReadinessStrategy<{ path: string }> = {
 *   name: 'flag',
 *   begin(context) {
 *     const before = existsSync(context.options.path);
 *     return { ready: () => waitForNewFile(context, before), dispose: () => undefined };
 *   },
 * };
 * ```
 */
export type ReadinessStrategy<Options = any> = SessionStrategy<Options> | WaitStrategy<Options>;

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
