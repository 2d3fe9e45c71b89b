import { definePlugin, type ControlServer, type PilotPlugin } from '@pilot/core';
import { controlHttpOptionsSchema, type ControlHttpOptions } from './options.js';
import { startHttpControlServer } from './server.js';

export { controlHttpOptionsSchema, LOOPBACK_HOSTS, type ControlHttpOptions } from './options.js';
export type { ProcessView } from './process-view.js';
export type { StateEvent, LogEvent } from './event-stream.js';
export type { ControlFile } from './liveness.js';
export { ACTIONS, type Action } from './actions.js';

/** The plugin's name. */
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
      const server: ControlServer<ControlHttpOptions> = {
        name: 'http',
        options: controlHttpOptionsSchema,
        start: startHttpControlServer,
      };
      pilot.controlServers.register(server);
    },
  });
}
