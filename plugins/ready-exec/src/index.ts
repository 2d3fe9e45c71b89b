import { definePlugin, type PilotPlugin } from '@pilot/core';
import { execStrategy } from './exec-strategy.js';

export { execStrategy } from './exec-strategy.js';
export { execOptionsSchema, type ExecOptions } from './options.js';

/**
 * The plugin that registers the `exec` readiness strategy: ready when a probe command exits 0.
 * Takes no options; core calls the factory with none.
 *
 * @example
 * ```ts
 * import readyExec from '@pilot/plugin-ready-exec';
 * const pilot = new ProcessPilot(manifest, { plugins: [readyExec()] });
 * ```
 */
export default function readyExecPlugin(): PilotPlugin {
  return definePlugin({
    name: '@pilot/plugin-ready-exec',
    apply(pilot) {
      pilot.readiness.register(execStrategy);
    },
  });
}
