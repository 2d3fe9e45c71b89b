import type { PluginContext } from './contracts.js';
import { PilotError } from '../errors.js';

/**
 * A plugin: a name and an `apply` that only registers (taps hooks, adds registry entries).
 * I/O belongs inside hooks, never in `apply`. `apply` gets the plugin's own
 * {@link PluginContext}, not the pilot.
 */
export interface PilotPlugin {
  readonly name: string;
  apply(context: PluginContext): void;
}

/**
 * Declare a plugin; checks its shape so that a mistake is reported where it is made.
 *
 * @example
 * ```ts
 * export default definePlugin({
 *   name: 'hello',
 *   apply(pilot) {
 *     pilot.readiness.register({ name: 'always', wait: async () => {} });
 *   },
 * });
 * ```
 */
export function definePlugin<P extends PilotPlugin>(plugin: P): P {
  assertPlugin(plugin, 'definePlugin()');
  return plugin;
}

/** Throws PILOT_PLUGIN_INVALID unless `value` is `{ name: string, apply: function }`. */
export function assertPlugin(value: unknown, source: string): asserts value is PilotPlugin {
  const candidate = value as Partial<PilotPlugin> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.name !== 'string' ||
    candidate.name.length === 0 ||
    typeof candidate.apply !== 'function'
  ) {
    throw new PilotError(
      'PILOT_PLUGIN_INVALID',
      `${source}: expected a plugin { name: string, apply(context) }, got ${describe(value)}; ` +
        'export one built with definePlugin() (or a factory returning one) as the default export',
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return `an object with keys [${Object.keys(value).join(', ')}]`;
}
