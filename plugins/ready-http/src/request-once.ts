import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { acceptsStatus, describeRanges, type StatusRange } from './status.js';
import { hostOf, portOf } from './connection.js';

/** The most body text searched for `body_contains`; a larger body is not read further. */
export const BODY_LIMIT = 1024 * 1024;

/** One GET to make. */
export interface HttpAttempt {
  url: URL;
  /** The IP address to connect to (one the port poller saw accepting); `url` gives Host and TLS name. */
  address: string;
  /** A connection to `address` already open (the port poller's), used instead of a new one if still usable. */
  socket?: net.Socket;
  headers: Record<string, string>;
  ranges: readonly StatusRange[];
  bodyContains: string | undefined;
  /** For https: verify the server's certificate. */
  rejectUnauthorized: boolean;
  timeoutMs: number;
  signal: AbortSignal;
}

/** How one GET went: `ok` when ready, else why not. */
export interface AttemptResult {
  ok: boolean;
  /** True when the TCP connection itself failed (refused, reset, unreachable). */
  refused?: boolean;
  reason: string;
}

type Finish = (result: AttemptResult) => void;

/**
 * GET `url` once. Settles (never rejects) when the status and body are judged, on any error,
 * after `timeoutMs`, or when `signal` aborts; its socket is destroyed then, so nothing is kept
 * alive, and so is a given `socket` that could not be used. The TCP connection is made first
 * (or the given one used) and the request sent over it.
 */
export function requestOnce(attempt: HttpAttempt): Promise<AttemptResult> {
  if (attempt.signal.aborted) {
    attempt.socket?.destroy();
    return Promise.resolve({ ok: false, reason: 'aborted' });
  }
  return new Promise((resolve) => {
    let settled = false;
    let request: http.ClientRequest | undefined;
    const finish: Finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      attempt.signal.removeEventListener('abort', onAbort);
      request?.destroy();
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false, reason: `no answer within ${attempt.timeoutMs} ms` }), attempt.timeoutMs);
    const onAbort = () => finish({ ok: false, reason: 'aborted' });
    attempt.signal.addEventListener('abort', onAbort, { once: true });
    const given = attempt.socket && !attempt.socket.destroyed && attempt.socket.writable ? attempt.socket : undefined;
    if (attempt.socket && !given) attempt.socket.destroy(); // a given socket is used or released
    const socket = given ?? net.connect({ host: attempt.address, port: portOf(attempt.url) });
    let connected = given !== undefined;
    socket.on('error', (error) => finish({ ok: false, refused: !connected, reason: error.message || 'connection failed' }));
    if (given) request = sendRequest(attempt, socket, finish);
    else
      socket.once('connect', () => {
        connected = true;
        if (!settled) request = sendRequest(attempt, socket, finish);
      });
  });
}

/** Send the GET over the connected `socket` (wrapped in TLS for https) and judge the answer. */
function sendRequest(attempt: HttpAttempt, socket: net.Socket, finish: Finish): http.ClientRequest | undefined {
  const { url } = attempt;
  const secure = url.protocol === 'https:';
  const host = hostOf(url);
  // SNI takes names only; the certificate is still checked against `host`, IP or name.
  const servername = net.isIP(host) ? undefined : host;
  const createConnection = secure ? () => tls.connect({ socket, host, servername, rejectUnauthorized: attempt.rejectUnauthorized }) : () => socket;
  let request: http.ClientRequest;
  try {
    request = (secure ? https : http).request(url, { method: 'GET', headers: { ...attempt.headers, connection: 'close' }, createConnection });
  } catch (error) {
    finish({ ok: false, reason: (error as Error).message });
    return undefined;
  }
  request.on('error', (error) => finish({ ok: false, reason: error.message || 'request failed' }));
  request.on('close', () => finish({ ok: false, reason: 'connection closed before an answer' }));
  request.on('response', (response) => {
    response.on('error', () => finish({ ok: false, reason: 'response aborted' }));
    const status = response.statusCode ?? 0;
    if (!acceptsStatus(attempt.ranges, status)) return finish({ ok: false, reason: `status ${status}, expected ${describeRanges(attempt.ranges)}` });
    if (attempt.bodyContains === undefined) return finish({ ok: true, reason: `status ${status}` });
    readBody(response, attempt.bodyContains, finish);
  });
  request.end();
  return request;
}

/** Read the body until `needle` appears (ready), it ends, or {@link BODY_LIMIT} is reached. */
function readBody(response: http.IncomingMessage, needle: string, finish: Finish): void {
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
