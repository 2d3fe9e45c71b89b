import { PilotError, isPilotError, messageOf } from '../errors.js';
import type { PluginContext, PluginRegistriesView } from './contracts.js';

/** The pilot members a plugin context forwards to (the pilot itself, typed structurally). */
export type ContextHost = Omit<PluginContext, 'pluginName' | 'reportError' | keyof PluginRegistriesView>;

/**
 * The context of plugin `pluginName`: the registries, and the pilot's hooks, read model and
 * process operations bound to the pilot, plus `reportError` tagged with the plugin's name.
 */
export function createPluginContext(
  pluginName: string,
  pilot: ContextHost,
  registries: PluginRegistriesView,
  report: (error: PilotError) => void,
): PluginContext {
  return Object.freeze({
    pluginName,
    hooks: pilot.hooks,
    manifest: pilot.manifest,
    readiness: registries.readiness,
    statsHandlers: registries.statsHandlers,
    lifecycleHooks: registries.lifecycleHooks,
    controlServers: registries.controlServers,
    executors: registries.executors,
    operations: pilot.operations,
    snapshot: () => pilot.snapshot(),
    subscribe: (listener, types) => pilot.subscribe(listener, types),
    events: (options) => pilot.events(options),
    getRunningProcess: ((nameOrPid?: string | number) => (nameOrPid === undefined ? pilot.getRunningProcess() : pilot.getRunningProcess(nameOrPid))) as PluginContext['getRunningProcess'],
    logs: (name, count, stream) => pilot.logs(name, count, stream),
    startProcess: (name) => pilot.startProcess(name),
    stopProcess: (name) => pilot.stopProcess(name),
    restartProcesses: (names) => pilot.restartProcesses(names),
    crashProcess: (name) => pilot.crashProcess(name),
    waitFor: (name, state, timeoutMs) => pilot.waitFor(name, state, timeoutMs),
    reportError: (error: unknown) => report(tagged(pluginName, error)),
  } satisfies PluginContext);
}

/** `error` as a PilotError that names the plugin (`[plugin x] ...`), unless it already does. */
function tagged(pluginName: string, error: unknown): PilotError {
  if (isPilotError(error) && error.plugin !== undefined) return error;
  const message = messageOf(error);
  const text = message.startsWith(`[plugin ${pluginName}]`) ? message : `[plugin ${pluginName}] ${message}`;
  const code = isPilotError(error) ? error.code : 'PILOT_PLUGIN_HOOK';
  return new PilotError(code, text, { cause: error, plugin: pluginName });
}
