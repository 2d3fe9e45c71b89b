import { pollUntil, type ReadinessStrategy } from '@pilot/core';
import { acceptsNow } from './connection.js';
import { httpOptionsSchema, type HttpOptions } from './options.js';
import { requestOnce } from './request-once.js';

/** How long the pre-spawn probe may delay the spawn (loopback answers in well under 1 ms). */
export const PROBE_TIMEOUT_MS = 250;

/** Whether the target accepted connections just before each spawn, found again through the spawn's signal. */
const heldBeforeSpawn = new WeakMap<AbortSignal, boolean>();

/** The URL `options` name: `url` itself, or `http://host:port/path`. */
export function targetUrl(options: HttpOptions): URL {
  if (options.url !== undefined) return new URL(options.url);
  const host = options.host ?? 'localhost';
  // A bare IPv6 address needs brackets inside a URL.
  const authority = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return new URL(`http://${authority}:${options.port}${options.path ?? '/'}`);
}

/**
 * `ready_strategy: http`: GET the URL every `interval_ms` until the status is accepted (and the
 * body contains `body_contains`, if given) while the process is alive. Each request has its own
 * `timeout_ms`; its socket is destroyed once it is judged or the wait aborts: none is kept alive.
 *
 * Before the spawn (`prepare`) the port is probed once: if something already accepts there, it
 * is not this spawn, and answers count only after a connection has been refused since the spawn
 * (the other holder let go). So a stranger's server on the port never makes a process ready.
 */
export const httpStrategy: ReadinessStrategy<HttpOptions> = {
  name: 'http',
  options: httpOptionsSchema,
  async prepare(context) {
    heldBeforeSpawn.set(context.signal, await acceptsNow(targetUrl(context.options), PROBE_TIMEOUT_MS));
  },
  async wait(context) {
    const { options } = context;
    const url = targetUrl(options);
    let refusedSinceSpawn = heldBeforeSpawn.get(context.signal) !== true;
    await pollUntil(context.signal, options.interval_ms, async () => {
      const result = await requestOnce({
        url,
        headers: options.headers,
        ranges: options.status,
        bodyContains: options.body_contains,
        rejectUnauthorized: !options.insecure,
        timeoutMs: options.timeout_ms,
        signal: context.signal,
      });
      if (result.refused) refusedSinceSpawn = true;
      return result.ok && refusedSinceSpawn && context.isAlive();
    });
  },
};
