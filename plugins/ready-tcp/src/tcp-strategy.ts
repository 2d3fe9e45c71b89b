import type { SessionStrategy } from '@pilot/core';
import { acceptingNow } from './accepting-now.js';
import { HostAddresses } from './host-addresses.js';
import type { TcpOptions } from './options.js';
import { tcpOptionsSchema } from './options.js';
import { pollPort } from './port-poller.js';

/** How long the pre-spawn probe may delay the spawn (loopback answers in well under 1 ms). */
export const PROBE_TIMEOUT_MS = 250;

/**
 * The host a tcp or http wait connects to: `ready_params.host` if given, else where the executor
 * runs the process (`context.host`: `localhost` for the local executor).
 */
export function targetHost(given: string | undefined, contextHost: string | undefined): string {
  return given ?? contextHost ?? 'localhost';
}

/**
 * `ready_strategy: tcp`: ready when a connection to `ready_params.port` succeeds while the
 * process is alive. The host is `ready_params.host`, else the one the process runs on
 * (`localhost`: both 127.0.0.1 and ::1 are tried).
 *
 * Before the spawn (`begin`), the port is probed once: where something already accepts, it is
 * another process (or a leftover) and a connection there is not evidence of this spawn; such an
 * address counts only after it has been seen refusing since the spawn. So a port held by
 * someone else while our process fails with EADDRINUSE is never reported ready. The wait holds
 * its sockets and timer only while `ready()` runs; `dispose()` has nothing left to release.
 */
export const tcpStrategy: SessionStrategy<TcpOptions> = {
  name: 'tcp',
  options: tcpOptionsSchema,
  async begin(context) {
    const addresses = new HostAddresses(targetHost(context.options.host, context.host));
    const heldBeforeSpawn = await acceptingNow(addresses, context.options.port, PROBE_TIMEOUT_MS);
    const ready = async () => {
      await pollPort(
        {
          port: context.options.port,
          addresses,
          intervalMs: context.options.interval_ms,
          heldBeforeSpawn,
          isAlive: () => context.isAlive(),
          // A line printed by the process ("listening on :8080") is worth an attempt right away.
          hints: (listener) => context.onLine(listener),
        },
        context.signal,
      );
    };
    return { ready, dispose: () => undefined };
  },
};
