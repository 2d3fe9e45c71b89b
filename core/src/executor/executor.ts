import type { z } from 'zod';
import type { LogLine } from '../process/output.js';
import type { SpawnRequest } from '../process/spawn-child.js';
import type { ExitInfo } from '../process/state.js';

/** Who gets the stop signal (systemd's KillMode); see docs/manifest.md. */
export type KillMode = 'control-group' | 'mixed' | 'process';

/** How to stop one run. */
export interface StopRequest {
  /** The graceful signal (`stop_signal`). */
  signal: NodeJS.Signals;
  /** Milliseconds between the graceful signal and SIGKILL (`timeout`). */
  timeoutMs: number;
  killMode: KillMode;
}

/** What a stop had to do. */
export interface StopOutcome {
  /** True when something was still alive at the deadline and got SIGKILL. */
  forced: boolean;
}

/** Resource use of one run's whole tree at one moment (cumulative CPU, memory, process count). */
export type { UsageSample } from '../process/tree-usage.js';
import type { UsageSample } from '../process/tree-usage.js';

/** What identifies a run so that a later pilot can find it again (and never mistake a stranger for it). */
export interface RunRecord {
  /** The executor's name (`local`). */
  executor: string;
  /** Where it runs (`localhost` for the local executor). */
  host: string;
  pid: number;
  /** The kernel's start time of `pid` (field 22 of /proc/<pid>/stat): tells it from a later process with the same pid. */
  startTime: string | undefined;
  /** The containment it lives in: `group:<pgid>` or `cgroup:<path>`. */
  containment: string;
}

/** One spawned run of a process, as the engine sees it: never a `ChildProcess`. */
export interface ExecutorRun {
  /** The main process's pid on its host. */
  readonly pid: number;
  /** Where it runs (`localhost` for the local executor). */
  readonly host: string;
  /** Resolves when the main process exited (not when its pipes closed). */
  readonly exited: Promise<ExitInfo>;
  /** Resolves when every line the run printed has been delivered. */
  readonly outputDone: Promise<void>;
  /**
   * Send `signal` to the main process, or to every process of the run (`tree`). Identity is
   * checked before the signal: a process that is gone, or a reused pid, is never signalled.
   * Returns false when nothing was signalled.
   */
  signal(signal: NodeJS.Signals, scope: 'main' | 'tree'): boolean;
  /** Stop the whole run per `request` (stop signal, SIGCONT, wait, SIGKILL at the deadline); nothing of it is left after. */
  stop(request: StopRequest): Promise<StopOutcome>;
  /** After the main process exited by itself: stop whatever is left of its tree, then release the run. */
  reap(request: StopRequest): Promise<void>;
  /** SIGKILL everything of the run now, synchronously (a second Ctrl-C, kill_timeout, the host's exit). */
  killNow(): void;
  /** Resource use now; undefined once the run is gone. */
  sample(): UsageSample | undefined;
  /** The identity of the run, for state files and re-attach. */
  record(): RunRecord;
}

/**
 * Where processes run: the only code that touches the machine (spawn, signals, containment,
 * /proc or cgroup reads). `local` is built in; others (`ssh`) come from plugins.
 */
export interface Executor {
  /** The name a manifest uses in `executor`. */
  readonly name: string;
  /** One line for `pilot run` and `pilot doctor`: the containment in use and why. */
  describe(): string;
  /** zod schema of the options a manifest gives with `executor: { name, options }`; validated when the manifest is checked. */
  readonly options?: z.ZodType;
  /**
   * Spawn `request`; every line it prints goes to `onLine`. `options` are the process's validated
   * executor options (`{}` when none). Rejects with a PilotError that says what is wrong.
   */
  spawn(name: string, request: SpawnRequest, onLine: (line: LogLine) => void, options?: unknown): Promise<ExecutorRun>;
}
