import http from 'node:http';
import https from 'node:https';
import { acceptsStatus, describeRanges, type StatusRange } from './status.js';
import { localhostLookup } from './localhost-lookup.js';

/** The most body text searched for `body_contains`; a larger body is not read further. */
export const BODY_LIMIT = 1024 * 1024;

/** One GET to make. */
export interface HttpAttempt {
  url: URL;
  headers: Record<string, string>;
  ranges: readonly StatusRange[];
  bodyContains: string | undefined;
  agent: http.Agent;
  timeoutMs: number;
  signal: AbortSignal;
}

/** How one GET went: `ok` when ready, else why not. */
export interface AttemptResult {
  ok: boolean;
  reason: string;
}

/**
 * GET `url` once. Settles (never rejects) when the status and body are judged, on any error,
 * after `timeoutMs`, or when `signal` aborts; the request and its socket are destroyed then.
 */
export function requestOnce(attempt: HttpAttempt): Promise<AttemptResult> {
  if (attempt.signal.aborted) return Promise.resolve({ ok: false, reason: 'aborted' });
  return new Promise((resolve) => {
    const { url } = attempt;
    const client = url.protocol === 'https:' ? https : http;
    let request: http.ClientRequest;
    try {
      // Explicit autoSelectFamily: the host may have turned Node's default off.
      const options: http.RequestOptions & { autoSelectFamily: boolean } = {
        method: 'GET',
        agent: attempt.agent,
        headers: { ...attempt.headers, connection: 'close' },
        lookup: localhostLookup as never,
        autoSelectFamily: true,
      };
      request = client.request(url, options);
    } catch (error) {
      return resolve({ ok: false, reason: (error as Error).message });
    }
    let settled = false;
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      attempt.signal.removeEventListener('abort', onAbort);
      request.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false, reason: `no answer within ${attempt.timeoutMs} ms` }), attempt.timeoutMs);
    const onAbort = () => finish({ ok: false, reason: 'aborted' });
    attempt.signal.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error) => finish({ ok: false, reason: error.message || (error as NodeJS.ErrnoException).code || 'request failed' }));
    request.on('close', () => finish({ ok: false, reason: 'connection closed before an answer' }));
    request.on('response', (response) => {
      response.on('error', () => finish({ ok: false, reason: 'response aborted' }));
      const status = response.statusCode ?? 0;
      if (!acceptsStatus(attempt.ranges, status)) return finish({ ok: false, reason: `status ${status}, expected ${describeRanges(attempt.ranges)}` });
      if (attempt.bodyContains === undefined) return finish({ ok: true, reason: `status ${status}` });
      readBody(response, attempt.bodyContains, finish);
    });
    request.end();
  });
}

/** Read the body until `needle` appears (ready), it ends, or {@link BODY_LIMIT} is reached. */
function readBody(response: http.IncomingMessage, needle: string, finish: (result: AttemptResult) => void): void {
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  response.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    text += decoder.decode(chunk, { stream: true });
    if (text.includes(needle)) finish({ ok: true, reason: 'body matched' });
    else if (bytes >= BODY_LIMIT) finish({ ok: false, reason: `body has no ${JSON.stringify(needle)} in its first ${BODY_LIMIT} bytes` });
  });
  response.on('end', () => {
    text += decoder.decode();
    finish(text.includes(needle) ? { ok: true, reason: 'body matched' } : { ok: false, reason: `body does not contain ${JSON.stringify(needle)}` });
  });
}
