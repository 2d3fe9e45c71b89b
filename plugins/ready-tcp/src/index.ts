import { definePlugin, type PilotPlugin } from '@pilot/core';
import { tcpStrategy } from './tcp-strategy.js';

export { tcpStrategy, targetHost, PROBE_TIMEOUT_MS } from './tcp-strategy.js';
export { adaptiveInterval, intervalSchedule, FIRST_INTERVAL_MS, INTERVAL_SHARE, MAX_INTERVAL_MS } from './interval.js';
export { pollPort, type PortFound, type PortPollerOptions } from './port-poller.js';
export { acceptingNow } from './accepting-now.js';
export { HostAddresses } from './host-addresses.js';
export { tcpOptionsSchema, type TcpOptions } from './options.js';
export { LOCALHOST_ADDRESSES } from './host-addresses.js';

/**
 * The plugin that registers the `tcp` readiness strategy: ready when the process accepts
 * connections on `ready_params.port` (127.0.0.1 and ::1 by default) and is alive. Takes no
 * options; core calls the factory with none when a manifest names `tcp`.
 *
 * @example
 * ```ts
 * import readyTcp from '@pilot/plugin-ready-tcp';
 * const pilot = new ProcessPilot(manifest, { plugins: [readyTcp()] });
 * ```
 */
export default function readyTcpPlugin(): PilotPlugin {
  return definePlugin({
    name: '@pilot/plugin-ready-tcp',
    apply(pilot) {
      pilot.readiness.register(tcpStrategy);
    },
  });
}
