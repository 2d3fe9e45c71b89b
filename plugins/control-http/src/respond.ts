import type { ServerResponse } from 'node:http';
import type { PilotError, PluginContext } from '@pilot/core';

/** A failure that becomes an HTTP status and `{ error }` body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Send `body` as JSON with `status`. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** Send `{ error }` for an HttpError; anything else is an internal error (500). */
export function sendError(res: ServerResponse, error: unknown, closeConnection: boolean): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const failure = error instanceof HttpError ? error : new HttpError(500, `internal error: ${(error as Error)?.message ?? String(error)}`);
  // An unread request body would otherwise be drained (or left in the pipe) on a kept-alive connection.
  const headers: Record<string, string> = closeConnection ? { ...failure.headers, connection: 'close' } : failure.headers;
  sendJson(res, failure.status, { error: failure.message }, headers);
}

/** The raw response written on a connection the HTTP parser gave up on (no ServerResponse exists). */
export function rawErrorResponse(status: number, reason: string, message: string): string {
  const body = JSON.stringify({ error: message });
  return (
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/** Report a failure the way the pilot reports plugin failures: `hooks.pluginError`, else stderr. */
export function reportError(pilot: PluginContext, error: PilotError): void {
  if (pilot.hooks.pluginError.taps.length > 0) pilot.hooks.pluginError.call(error);
  else console.error(error);
}
