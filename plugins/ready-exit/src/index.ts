import { definePlugin, type PilotPlugin } from '@pilot/core';
import { exitStrategy } from './exit-strategy.js';

export { exitStrategy } from './exit-strategy.js';
export { exitOptionsSchema, type ExitOptions } from './options.js';

/**
 * The plugin that registers the `exit` readiness strategy: a one-shot process is ready once it
 * exits 0. Takes no options; core calls the factory with none.
 *
 * @example
 * ```ts
 * import readyExit from '@pilot/plugin-ready-exit';
 * const pilot = new ProcessPilot(manifest, { plugins: [readyExit()] });
 * ```
 */
export default function readyExitPlugin(): PilotPlugin {
  return definePlugin({
    name: '@pilot/plugin-ready-exit',
    apply(pilot) {
      pilot.readiness.register(exitStrategy);
    },
  });
}
