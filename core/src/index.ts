export { ProcessPilot, type PilotOptions } from './pilot.js';
export { ProcessManifest, type LoadOptions } from './manifest/load.js';
export { startPilot } from './start-pilot.js';
export { manifestJsonSchema } from './manifest/json-schema.js';
export type { Manifest, ProcessSpec, ManifestInput, ProcessInput, NamedReference } from './manifest/schema.js';
export { PilotError, isPilotError, type PilotErrorCode, type PilotErrorDetails } from './errors.js';
export { createHooks, type PilotHooks, type StopReason } from './hooks.js';
export { findCycle, startLevels, dependentsOf, withDependencies, type GraphNode } from './graph.js';
export { watchName, FALLBACK_POLL_MS, type NameWatch, type ChangeReason } from './watch-name.js';
export {
  abortedPromise,
  pollUntil,
  type ProbeOptions,
  type ProbeResult,
  type ReadinessContext,
  type ReadinessSession,
  type ReadinessStrategy,
  type SessionStrategy,
  type StrategyBase,
  type WaitStrategy,
} from './readiness.js';
export type { ProcessStats } from './stats.js';
export type { ProcessView } from './control-api.js';
export type { PilotSnapshot, ProcessSnapshot, PilotEvent, PilotEventType } from './read-model.js';
export type { OperationQueues } from './operations.js';
export type { Executor, ExecutorRun, KillMode, RunRecord, StopOutcome, StopRequest, UsageSample } from './executor/executor.js';
export { ACTIVE_STATES, type ProcessInfo, type ProcessRef, type ProcessState, type ExitInfo, type LastExit } from './process/state.js';
export type { LineBatch, LogLine, OutputStream } from './process/output.js';
export { lastLines } from './process/last-lines.js';
export type { SpawnRequest } from './process/spawn-child.js';
export { processExists } from './process/signals.js';
export { definePlugin, type PilotPlugin } from './plugins/define-plugin.js';
export type { PluginContext, PluginRegistriesView } from './plugins/contracts.js';
export { Registry } from './plugins/registry.js';
export { discoverPluginPackages, type PluginPackage, type ProvidedKind } from './plugins/discovery.js';
export { importInstalledPlugins } from './plugins/load-plugin.js';
export type {
  ControlServer,
  ControlServerHandle,
  LifecycleContext,
  LifecycleHookGroup,
  LifecyclePoint,
  StatsHandler,
  StatsSink,
} from './plugins/contracts.js';
