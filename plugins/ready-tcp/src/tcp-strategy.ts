import type { ReadinessStrategy } from '@pilot/core';
import { acceptingNow } from './accepting-now.js';
import { HostAddresses } from './host-addresses.js';
import type { TcpOptions } from './options.js';
import { tcpOptionsSchema } from './options.js';
import { pollPort } from './port-poller.js';

/** How long the pre-spawn probe may delay the spawn (loopback answers in well under 1 ms). */
export const PROBE_TIMEOUT_MS = 250;

/** Addresses that accepted before each spawn, found again by `wait` through the spawn's signal. */
const heldBeforeSpawn = new WeakMap<AbortSignal, ReadonlySet<string>>();

/**
 * `ready_strategy: tcp`: ready when a connection to `ready_params.port` succeeds while the
 * process is alive. By default both 127.0.0.1 and ::1 are tried.
 *
 * Before the spawn (`prepare`), the port is probed once: where something already accepts, it is
 * another process (or a leftover) and a connection there is not evidence of this spawn; such an
 * address counts only after it has been seen refusing since the spawn. So a port held by
 * someone else while our process fails with EADDRINUSE is never reported ready.
 */
export const tcpStrategy: ReadinessStrategy<TcpOptions> = {
  name: 'tcp',
  options: tcpOptionsSchema,
  async prepare(context) {
    const held = await acceptingNow(new HostAddresses(context.options.host), context.options.port, PROBE_TIMEOUT_MS);
    heldBeforeSpawn.set(context.signal, held);
  },
  async wait(context) {
    await pollPort(
      {
        port: context.options.port,
        addresses: new HostAddresses(context.options.host),
        intervalMs: context.options.interval_ms,
        heldBeforeSpawn: heldBeforeSpawn.get(context.signal) ?? new Set(),
        isAlive: () => context.isAlive(),
        // A line printed by the process ("listening on :8080") is worth an attempt right away.
        hints: (listener) => context.onLine(listener),
      },
      context.signal,
    );
  },
};
