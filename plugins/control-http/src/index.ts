import { definePlugin, type ControlServer, type PilotPlugin } from '@pilot/core';
import { PilotFeed } from './feed.js';
import { controlHttpOptionsSchema, type ControlHttpOptions } from './options.js';
import { startHttpControlServer } from './server.js';

export { controlHttpOptionsSchema, LOOPBACK_HOSTS, type ControlHttpOptions } from './options.js';
export type { ProcessView } from './process-view.js';
export type { StateEvent, LogEvent } from './feed.js';
export type { ControlFile } from './liveness.js';
export { ACTIONS, type Action } from './actions.js';

/** The plugin's name, also the name its hook taps carry. */
const PLUGIN_NAME = '@pilot/plugin-control-http';

/**
 * The plugin that registers the `http` control server: JSON over HTTP on a private unix socket
 * (or loopback TCP with a bearer token), server-sent events and Prometheus metrics. The
 * contract is docs/control-api.md. The server starts and stops with the pilot.
 *
 * @example
 * ```ts
 * import controlHttp from '@pilot/plugin-control-http';
 * // manifest: control_server: http
 * const pilot = new ProcessPilot(manifest, { plugins: [controlHttp()] });
 * await pilot.start(); // listening on <manifest dir>/.pilot/control.sock
 * ```
 */
export default function controlHttpPlugin(): PilotPlugin {
  return definePlugin({
    name: PLUGIN_NAME,
    apply(pilot) {
      const feed = new PilotFeed(pilot, PLUGIN_NAME);
      const server: ControlServer<ControlHttpOptions> = {
        name: 'http',
        options: controlHttpOptionsSchema,
        start: (context) => startHttpControlServer({ ...context, feed }),
      };
      pilot.controlServers.register(server);
    },
  });
}
