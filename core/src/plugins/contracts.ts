import type { z } from 'zod';
import type { ProcessStats } from '../stats.js';
import type { Executor } from '../executor/executor.js';
import type { PilotHooks } from '../hooks.js';
import type { Manifest, ProcessSpec } from '../manifest/schema.js';
import type { LogLine, OutputStream } from '../process/output.js';
import type { ProcessInfo, ProcessState } from '../process/state.js';
import type { PilotEvent, PilotEventType, PilotSnapshot } from '../read-model.js';
import type { ReadinessStrategy } from '../readiness.js';
import type { Registry } from './registry.js';

/** A process_pilot lifecycle hook point. */
export type LifecyclePoint = 'pre_start' | 'post_start' | 'on_shutdown' | 'on_restart';

/** What a lifecycle hook function receives. */
export interface LifecycleContext {
  /** The process's manifest entry. */
  spec: ProcessSpec;
  /** Its current state (pid is set for post_start, on_shutdown and on_restart). */
  info: ProcessInfo;
  /** The context of the plugin that registered the group. */
  pilot: PluginContext;
}

/**
 * A named group of lifecycle hooks (`lifecycle_hooks: [notify]`), run only for the processes
 * that list it. `pre_start` runs before each spawn, `post_start` after it, `on_restart` before a
 * restart, `on_shutdown` when the process is stopped (requested or not).
 */
export type LifecycleHookGroup = { name: string } & {
  [point in LifecyclePoint]?: (context: LifecycleContext) => void | Promise<void>;
};

/** A sink created for one stats handler entry; receives the samples of its processes. */
export interface StatsSink {
  handle(samples: readonly ProcessStats[]): void | Promise<void>;
  close?(): void | Promise<void>;
}

/** A stats handler, registered by name (`stat_handlers: [jsonl]`). */
export interface StatsHandler<Options = any> {
  name: string;
  /** zod schema for the options given with `{ name, options }` in `stat_handlers`. */
  options?: z.ZodType<Options>;
  /** Called once per distinct options object when the pilot starts. */
  create(context: { options: Options; pilot: PluginContext; baseDirectory: string }): StatsSink | Promise<StatsSink>;
}

/** A running control server, closed when the pilot stops. */
export interface ControlServerHandle {
  /** Where it listens (a socket path or URL), for messages. */
  address?: string;
  close(): Promise<void>;
}

/** A control server, registered by name (`control_server: http`). */
export interface ControlServer<Options = any> {
  name: string;
  options?: z.ZodType<Options>;
  start(context: { options: Options; pilot: PluginContext; baseDirectory: string; manifestPath: string | undefined }): Promise<ControlServerHandle>;
}

/** The registries a plugin adds named entries to. */
export interface PluginRegistriesView {
  /** Readiness strategies by name (`ready_strategy`). */
  readonly readiness: Registry<ReadinessStrategy>;
  /** Stats handlers by name (`stat_handlers`). */
  readonly statsHandlers: Registry<StatsHandler>;
  /** Lifecycle hook groups by name (`lifecycle_hooks`). */
  readonly lifecycleHooks: Registry<LifecycleHookGroup>;
  /** Control servers by name (`control_server`). */
  readonly controlServers: Registry<ControlServer>;
  /** Executors by name (`executor`): where processes run. */
  readonly executors: Registry<Executor>;
}

/**
 * What a plugin gets: a narrow, documented API instead of the whole `ProcessPilot` (Rollup's
 * PluginContext is the model). Registries to add to, hooks to tap, the read model, the process
 * operations (through core's per-process queue) and `reportError`, already tagged with the
 * plugin's name. The member names are the pilot's, so `apply(pilot)` code reads the same.
 */
export interface PluginContext extends PluginRegistriesView {
  /** The plugin's name, as given to `definePlugin`. */
  readonly pluginName: string;
  /** Lifecycle hooks; see docs/hooks.md. */
  readonly hooks: PilotHooks;
  /** The validated manifest. */
  readonly manifest: Manifest;
  /** Every process now (read model). */
  snapshot(): PilotSnapshot;
  /** Be told of state changes, lines, stats and the stop (read model); returns the unsubscribe function. */
  subscribe(listener: (event: PilotEvent) => void, types?: readonly PilotEventType[]): () => void;
  /** The same events as an async iterator with a bounded queue. */
  events(options?: { types?: readonly PilotEventType[]; highWaterMark?: number }): AsyncIterableIterator<PilotEvent>;
  /** All processes, or one by name or pid. */
  getRunningProcess(): ProcessInfo[];
  getRunningProcess(nameOrPid: string | number): ProcessInfo | undefined;
  /** The last lines of a process's output. */
  logs(name: string, count?: number, stream?: OutputStream): LogLine[];
  /** Start, stop or restart one process, queued behind the operations already asked for it. */
  startProcess(name: string): Promise<void>;
  stopProcess(name: string): Promise<void>;
  restartProcesses(names: string | readonly string[]): Promise<void>;
  /** SIGKILL a process's main process with no cleanup (crash simulation). */
  crashProcess(name: string): void;
  /** Resolves when `name` reaches `state`. */
  waitFor(name: string, state: ProcessState, timeoutMs?: number): Promise<ProcessInfo>;
  /** The operation queues: `operations.busy(name)` is true while one is queued or running. */
  readonly operations: { busy(name: string): boolean };
  /**
   * Report a failure outside a hook (a stats sink, a server callback) as `[plugin <name>] ...`
   * through `hooks.pluginError` (or the pilot's `reportError` option).
   */
  reportError(error: unknown): void;
}
