import { pollUntil, type ReadinessStrategy } from '@pilot/core';
import { httpOptionsSchema, type HttpOptions } from './options.js';
import { requestOnce } from './request-once.js';

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
 */
export const httpStrategy: ReadinessStrategy<HttpOptions> = {
  name: 'http',
  options: httpOptionsSchema,
  async wait(context) {
    const { options } = context;
    const url = targetUrl(options);
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
      return result.ok && context.isAlive();
    });
  },
};
