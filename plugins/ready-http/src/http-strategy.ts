import { setTimeout as sleep } from 'node:timers/promises';
import { PilotError, type ReadinessContext, type SessionStrategy } from '@pilot/core';
import { acceptingNow, HostAddresses, intervalSchedule, pollPort, targetHost, type PortFound } from '@pilot/plugin-ready-tcp';
import { hostOf, portOf } from './connection.js';
import { httpOptionsSchema, type HttpOptions } from './options.js';
import { requestOnce } from './request-once.js';

/** How long the pre-spawn probe may delay the spawn (loopback answers in well under 1 ms). */
export const PROBE_TIMEOUT_MS = 250;

/**
 * The URL `options` name: `url` itself, or `http://host:port/path` where `host` defaults to the
 * host the process runs on (`contextHost`, `localhost` for the local executor).
 */
export function targetUrl(options: HttpOptions, contextHost?: string): URL {
  if (options.url !== undefined) return new URL(options.url);
  const host = targetHost(options.host, contextHost);
  // A bare IPv6 address needs brackets inside a URL.
  const authority = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return new URL(`http://${authority}:${options.port}${options.path ?? '/'}`);
}

/** Wait `ms`, rejecting with the signal's reason if the wait is aborted first. */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    throw signal.reason ?? new PilotError('PILOT_STOPPED', 'readiness wait aborted');
  }
}

/**
 * `ready_strategy: http`: ready when a GET to the URL answers with an accepted status (and the
 * body contains `body_contains`, if given) while the process is alive.
 *
 * While nothing accepts connections on the port, only the `tcp` strategy's port poller runs
 * (one refused connect per round, a printed line as a hint to try at once): no HTTP machinery is
 * spent on a server that is not listening. Once an address accepts, the GET goes to that
 * address at once, then after every pause until the answer is accepted; a refused connection
 * sends the wait back to the port poller. Each request has its own `timeout_ms`; its socket is
 * destroyed once it is judged or the wait aborts: none is kept alive.
 *
 * Before the spawn (`begin`) every address of the host is probed once: where something already
 * accepts, it is not this spawn, and that address counts only after it has been seen refusing
 * since the spawn. So a stranger's server on the port never makes a process ready. Sockets and
 * timers live only while `ready()` runs; `dispose()` has nothing left to release.
 */
export const httpStrategy: SessionStrategy<HttpOptions> = {
  name: 'http',
  options: httpOptionsSchema,
  async begin(context) {
    const url = targetUrl(context.options, context.host);
    const addresses = new HostAddresses(hostOf(url));
    const heldBeforeSpawn = await acceptingNow(addresses, portOf(url), PROBE_TIMEOUT_MS);
    return { ready: () => waitForAnswer(context, url, addresses, heldBeforeSpawn), dispose: () => undefined };
  },
};

/**
 * What `ready()` runs: poll the port, then GET over what accepted, until an accepted answer; back
 * to polling on a refusal. Exported for tests that drive the wait directly.
 */
export async function waitForAnswer(context: ReadinessContext<HttpOptions>, url: URL, addresses: HostAddresses, heldBeforeSpawn: ReadonlySet<string>): Promise<void> {
  const { options, signal } = context;
  const port = portOf(url);
  const interval = intervalSchedule(options.interval_ms);
  const waitStartedAt = Date.now();
  // Shared by every poller of this wait, and fed by refused GETs too: once an address held by
  // a stranger before the spawn has refused, it counts from then on.
  const seenRefusing = new Set<string>();
  for (;;) {
    context.report(`nothing accepted connections on port ${port} yet`);
    const found = await pollPort(
      {
        port,
        addresses,
        intervalMs: options.interval_ms,
        waitStartedAt,
        heldBeforeSpawn,
        seenRefusing,
        isAlive: () => context.isAlive(),
        hints: (listener) => context.onLine(listener),
        keepConnection: true,
      },
      signal,
    );
    if (await answersUntilRefused(context, url, found, () => interval(Date.now() - waitStartedAt))) return;
    seenRefusing.add(found.address);
  }
}

/**
 * GET `url` from the address found until the answer is accepted (true) or the connection is refused
 * (false: back to the port poller), pausing between attempts; rejects when the wait aborts.
 */
async function answersUntilRefused(context: ReadinessContext<HttpOptions>, url: URL, found: PortFound, pauseMs: () => number): Promise<boolean> {
  const { options, signal } = context;
  // The first GET goes over the poller's connection: a fresh server sets up one connection, not two.
  let socket = found.socket;
  for (;;) {
    const result = await requestOnce({
      url,
      address: found.address,
      socket,
      headers: options.headers,
      ranges: options.status,
      bodyContains: options.body_contains,
      rejectUnauthorized: !options.insecure,
      timeoutMs: options.timeout_ms,
      signal,
    });
    socket = undefined;
    context.report(result.reason);
    if (result.ok && context.isAlive()) return true;
    if (result.refused) return false;
    await pause(pauseMs(), signal);
  }
}
