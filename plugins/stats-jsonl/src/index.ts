import { resolve } from 'node:path';
import { definePlugin, type PilotPlugin, type StatsHandler } from '@pilot/core';
import { openJsonlSink } from './jsonl-sink.js';
import { jsonlOptionsSchema, type JsonlOptions } from './options.js';

export { jsonlOptionsSchema, type JsonlOptions } from './options.js';
export { openJsonlSink, toRecord, type JsonlRecord, type JsonlSinkOptions } from './jsonl-sink.js';

/**
 * The `jsonl` stats handler: appends every sample of the processes that list it to a file, one
 * JSON object a line. Processes listing it with the same options share one file handle.
 */
export const jsonlHandler: StatsHandler<JsonlOptions> = {
  name: 'jsonl',
  options: jsonlOptionsSchema,
  create: ({ options, baseDirectory }) => openJsonlSink(resolve(baseDirectory, options.path), { errorIntervalMs: options.error_interval * 1000 }),
};

/**
 * The plugin that registers the `jsonl` stats handler. Takes no options; the file is chosen per
 * manifest entry.
 *
 * @example
 * ```ts
 * import statsJsonl from '@pilot/plugin-stats-jsonl';
 * // manifest: processes: [{ name: api, path: ./api, stat_handlers: [jsonl] }]
 * const pilot = new ProcessPilot(manifest, { plugins: [statsJsonl()] });
 * ```
 */
export default function statsJsonlPlugin(): PilotPlugin {
  return definePlugin({
    name: '@pilot/plugin-stats-jsonl',
    apply(pilot) {
      pilot.statsHandlers.register(jsonlHandler);
    },
  });
}
