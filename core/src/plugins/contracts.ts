import type { z } from 'zod';
import type { ProcessPilot } from '../pilot.js';
import type { ProcessInfo } from '../process/state.js';
import type { ProcessSpec } from '../manifest/schema.js';
import type { ProcessStats } from '../stats.js';

/** A process_pilot lifecycle hook point. */
export type LifecyclePoint = 'pre_start' | 'post_start' | 'on_shutdown' | 'on_restart';

/** What a lifecycle hook function receives. */
export interface LifecycleContext {
  /** The process's manifest entry. */
  spec: ProcessSpec;
  /** Its current state (pid is set for post_start, on_shutdown and on_restart). */
  info: ProcessInfo;
  pilot: ProcessPilot;
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
  create(context: { options: Options; pilot: ProcessPilot; baseDirectory: string }): StatsSink | Promise<StatsSink>;
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
  start(context: { options: Options; pilot: ProcessPilot; baseDirectory: string; manifestPath: string | undefined }): Promise<ControlServerHandle>;
}
