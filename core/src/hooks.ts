import { AsyncParallelHook, AsyncSeriesBailHook, AsyncSeriesHook, AsyncSeriesWaterfallHook, SyncHook } from 'tapable';
import type { LineBatch, LogLine } from './process/output.js';
import type { SpawnRequest } from './process/spawn-child.js';
import type { ExitInfo, ProcessInfo, ProcessState } from './process/state.js';
import type { ProcessStats } from './stats.js';
import type { PilotError } from './errors.js';

/** Why the pilot is stopping. */
export type StopReason = 'requested' | 'signal' | 'shutdown_everything' | 'start_failed';

/**
 * Creates the pilot's hooks: one frozen object, one line per hook (see docs/hooks.md).
 * Tap with your plugin's name: `pilot.hooks.ready.tap('my-plugin', (info) => ...)`.
 */
export function createHooks() {
  return Object.freeze({
    /** After plugins are applied and validated, before anything starts. */
    initialize: new AsyncSeriesHook<[]>(),
    /** `start()` is about to spawn the first process. */
    beforeStart: new AsyncSeriesHook<[]>(),
    /** Every process of a `start()` is running and ready. */
    allReady: new SyncHook<[ProcessInfo[]]>(['processes']),
    /** A stats sample of every running process (independent sinks run in parallel). */
    statsSample: new AsyncParallelHook<[readonly ProcessStats[]]>(['samples']),
    /** The pilot begins stopping everything, with the reason. */
    beforeStop: new AsyncSeriesHook<[StopReason]>(['reason']),
    /** Everything is stopped; the pilot holds no child, timer or socket. */
    shutdown: new SyncHook<[StopReason]>(['reason']),
    /** Rewrite a spawn request (command, args, env, cwd) before each spawn. */
    beforeSpawn: new AsyncSeriesWaterfallHook<[SpawnRequest, ProcessInfo]>(['request', 'process']),
    /** A process was spawned (pid known, not yet ready). */
    spawn: new SyncHook<[ProcessInfo]>(['process']),
    /** A line of a process's stdout or stderr. */
    output: new SyncHook<[ProcessInfo, LogLine]>(['process', 'line']),
    /** The lines of one read chunk of a process's stdout or stderr, in order, in one call (for sinks that handle many lines). */
    outputBatch: new SyncHook<[ProcessInfo, LineBatch]>(['process', 'batch']),
    /** A process became ready, after `durationMs` from spawn. */
    ready: new SyncHook<[ProcessInfo, number]>(['process', 'durationMs']),
    /** A process exited; `requested` is true when the pilot stopped it. */
    exit: new SyncHook<[ProcessInfo, ExitInfo, boolean]>(['process', 'exit', 'requested']),
    /** Policy veto: return false to keep an exited process down (first non-undefined answer wins). */
    shouldRestart: new AsyncSeriesBailHook<[ProcessInfo, ExitInfo], boolean | undefined>(['process', 'exit']),
    /** A restart is scheduled in `delayMs` (attempt counts restarts in a row). */
    restart: new SyncHook<[ProcessInfo, number, number]>(['process', 'delayMs', 'attempt']),
    /** A process is being stopped (its tree receives the stop signal). */
    stopping: new SyncHook<[ProcessInfo]>(['process']),
    /** A process and its whole tree are gone after a stop. */
    stopped: new SyncHook<[ProcessInfo]>(['process']),
    /** Every state transition of every process. */
    stateChange: new SyncHook<[ProcessInfo, ProcessState, ProcessState]>(['process', 'from', 'to']),
    /** A plugin's tap threw or rejected; the pilot went on. */
    pluginError: new SyncHook<[PilotError]>(['error']),
  });
}

/** The type of `pilot.hooks`. */
export type PilotHooks = ReturnType<typeof createHooks>;
