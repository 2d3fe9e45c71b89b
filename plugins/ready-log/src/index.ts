import { definePlugin, type PilotPlugin } from '@pilot/core';
import { logStrategy } from './log-strategy.js';

export { logStrategy } from './log-strategy.js';
export { logOptionsSchema, type LogOptions } from './options.js';

/**
 * The plugin that registers the `log` readiness strategy: ready when an output line matches a
 * regular expression. Takes no options; core calls the factory with none.
 *
 * @example
 * ```ts
 * import readyLog from '@pilot/plugin-ready-log';
 * const pilot = new ProcessPilot(manifest, { plugins: [readyLog()] });
 * ```
 */
export default function readyLogPlugin(): PilotPlugin {
  return definePlugin({
    name: '@pilot/plugin-ready-log',
    apply(pilot) {
      pilot.readiness.register(logStrategy);
    },
  });
}
