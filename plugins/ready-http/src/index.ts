import { definePlugin, type PilotPlugin } from '@pilot/core';
import { httpStrategy } from './http-strategy.js';

export { PROBE_TIMEOUT_MS, httpStrategy, targetUrl } from './http-strategy.js';
export { httpOptionsSchema, type HttpOptions } from './options.js';
export { acceptsStatus, statusRanges, type StatusInput, type StatusRange } from './status.js';

/**
 * The plugin that registers the `http` readiness strategy: ready when a URL answers with an
 * accepted status (and body text). Takes no options; core calls the factory with none.
 *
 * @example
 * ```ts
 * import readyHttp from '@pilot/plugin-ready-http';
 * const pilot = new ProcessPilot(manifest, { plugins: [readyHttp()] });
 * ```
 */
export default function readyHttpPlugin(): PilotPlugin {
  return definePlugin({
    name: '@pilot/plugin-ready-http',
    apply(pilot) {
      pilot.readiness.register(httpStrategy);
    },
  });
}
