import { isPilotError, PilotError, definePlugin, type PilotPlugin, type PluginContext, type StatsHandler } from '@pilot/core';
import { LimitsSink, type LimitRestart } from './limits-sink.js';
import { limitsOptionsSchema, type LimitsOptions } from './options.js';

export { limitsOptionsSchema, type LimitsOptions } from './options.js';
export { parseMemorySize, formatBytes } from './memory-size.js';
export type { LimitRestart } from './limits-sink.js';

const PLUGIN_NAME = '@pilot/plugin-stats-limits';

/** Options of the plugin factory (the limits themselves are manifest options). */
export interface StatsLimitsPluginOptions {
  /**
   * Called for every restart the handler makes, with the reason.
   * @default a `console.warn` line: `[@pilot/plugin-stats-limits] restarting "api" (pid 42): memory ...`
   */
  onRestart?: (event: LimitRestart) => void;
}

function report(pilot: PluginContext, error: PilotError): void {
  if (pilot.hooks.pluginError.taps.length > 0) pilot.hooks.pluginError.call(error);
  else console.error(error);
}

/**
 * The plugin that registers the `limits` stats handler: restarts a process whose tree stays above
 * `max_memory` or `max_cpu` for `samples` consecutive samples (PM2's max_memory_restart), and
 * logs each restart with its reason.
 *
 * @example
 * ```ts
 * import statsLimits from '@pilot/plugin-stats-limits';
 * // manifest: stat_handlers: [{ name: limits, options: { max_memory: 200MB, samples: 3 } }]
 * const pilot = new ProcessPilot(manifest, { plugins: [statsLimits({ onRestart: (e) => log.warn(e.reason) })] });
 * ```
 */
export default function statsLimitsPlugin(options: StatsLimitsPluginOptions = {}): PilotPlugin {
  const log = options.onRestart ?? ((event: LimitRestart) => console.warn(`[${PLUGIN_NAME}] ${event.reason}`));
  return definePlugin({
    name: PLUGIN_NAME,
    apply(pilot) {
      const fail = (event: LimitRestart, what: string, error: unknown) =>
        report(
          pilot,
          new PilotError('PILOT_PLUGIN_HOOK', `[plugin ${PLUGIN_NAME}] ${event.reason}: ${what}: ${(error as Error)?.message ?? String(error)}`, {
            cause: error,
            plugin: PLUGIN_NAME,
            process: event.process,
          }),
        );
      // A throwing onRestart is reported; the restart still happens.
      const onRestart = (event: LimitRestart) => {
        try {
          log(event);
        } catch (error) {
          fail(event, 'onRestart threw', error);
        }
      };
      // A restart refused because the pilot is stopping is no failure: the process goes down anyway.
      const onFailure = (event: LimitRestart, error: unknown) => {
        if (!isPilotError(error, 'PILOT_STOPPED')) fail(event, 'the restart failed', error);
      };
      const handler: StatsHandler<LimitsOptions> = {
        name: 'limits',
        options: limitsOptionsSchema,
        create: ({ options: limits }) => new LimitsSink(limits, pilot, onRestart, onFailure),
      };
      pilot.statsHandlers.register(handler);
    },
  });
}
