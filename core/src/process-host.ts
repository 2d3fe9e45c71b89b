import type { PluginContext } from './plugins/contracts.js';
import type { PilotHooks } from './hooks.js';
import type { LifecycleHookGroup, LifecyclePoint } from './plugins/contracts.js';
import type { Registry } from './plugins/registry.js';
import type { ProcessHost, SupervisedProcess } from './process/supervised-process.js';
import { PilotError, messageOf } from './errors.js';

/**
 * Bridges what supervised processes report to the pilot's hooks and to the process_pilot
 * lifecycle hook groups a process lists. Lifecycle failures are reported, never thrown.
 */
export function createProcessHost(
  /** The context of the plugin that registered a lifecycle hook group. */
  contextOf: (pluginName: string) => PluginContext,
  hooks: PilotHooks,
  groups: Registry<LifecycleHookGroup>,
  onShutdownEverything: (process: SupervisedProcess) => void,
): ProcessHost & { settle(): Promise<void> } {
  const pending = new Set<Promise<void>>();
  const runGroups = (process: SupervisedProcess, point: LifecyclePoint): Promise<void> => {
    const work = (async () => {
      for (const ref of process.spec.lifecycle_hooks) {
        const group = groups.get(ref.name);
        const fn = group?.[point];
        if (!fn) continue;
        try {
          await fn({ spec: process.spec, info: process.info(), pilot: contextOf(groups.ownerOf(ref.name) ?? ref.name) });
        } catch (error) {
          const owner = groups.ownerOf(ref.name) ?? ref.name;
          hooks.pluginError.call(
            new PilotError('PILOT_PLUGIN_HOOK', `[plugin ${owner}] lifecycle hook ${ref.name}.${point} failed for process "${process.name}": ${messageOf(error)}`, {
              cause: error,
              plugin: owner,
              hook: `${ref.name}.${point}`,
              process: process.name,
            }),
          );
        }
      }
    })();
    pending.add(work);
    void work.finally(() => pending.delete(work));
    return work;
  };
  return {
    async beforeSpawn(process, request) {
      await runGroups(process, 'pre_start');
      return hooks.beforeSpawn.promise(request, process.info());
    },
    spawned(process) {
      hooks.spawn.call(process.info());
      void runGroups(process, 'post_start');
    },
    lines(process, batch) {
      // Nobody tapped either hook (tap guards are interceptors, so isUsed() is always true): skip.
      const perBatch = hooks.outputBatch.taps.length > 0;
      const perLine = hooks.output.taps.length > 0;
      if (!perBatch && !perLine) return;
      // One info object per chunk, shared by its lines: they were all read at the same moment.
      const info = process.info();
      if (perBatch) hooks.outputBatch.call(info, batch);
      if (perLine) for (const text of batch.lines) hooks.output.call(info, { stream: batch.stream, text, time: batch.time });
    },
    ready: (process, durationMs) => hooks.ready.call(process.info(), durationMs),
    exited: (process, exit, requested) => hooks.exit.call(process.info(), exit, requested),
    shouldRestart: (process, exit) => hooks.shouldRestart.promise(process.info(), exit),
    restarting(process, delayMs, attempt) {
      hooks.restart.call(process.info(), delayMs, attempt);
      void runGroups(process, 'on_restart');
    },
    stateChanged: (process, from, to) => hooks.stateChange.call(process.info(), from, to),
    stopping(process) {
      hooks.stopping.call(process.info());
      void runGroups(process, 'on_shutdown');
    },
    stopped: (process) => hooks.stopped.call(process.info()),
    shutdownEverything: (process) => onShutdownEverything(process),
    async settle() {
      await Promise.all([...pending]);
    },
  };
}
