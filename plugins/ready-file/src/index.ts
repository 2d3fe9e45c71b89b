import { definePlugin, type PilotPlugin } from '@pilot/core';
import { fileStrategy } from './file-strategy.js';

export { fileStrategy, readinessFilePath } from './file-strategy.js';
export { fileOptionsSchema, type FileOptions } from './options.js';

/**
 * The plugin that registers the `file` readiness strategy: ready when the process creates
 * `ready_params.path` (fs.watch on its directory, no polling). Takes no options; core calls the
 * factory with none when a manifest names `file`.
 *
 * @example
 * ```ts
 * import readyFile from '@pilot/plugin-ready-file';
 * const pilot = new ProcessPilot(manifest, { plugins: [readyFile()] });
 * ```
 */
export default function readyFilePlugin(): PilotPlugin {
  return definePlugin({
    name: '@pilot/plugin-ready-file',
    apply(pilot) {
      pilot.readiness.register(fileStrategy);
    },
  });
}
