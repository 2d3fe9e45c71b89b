import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { CliError } from './cli-error.js';
import type { ControlEndpoint } from './control-endpoint.js';
import type { ProcessView } from '../index.js';
import { SseParser, parseJson, type ServerEvent } from './sse-parser.js';

export type { ProcessView };

export type { ServerEvent };

/** What {@link ControlClient.events} calls. */
export interface EventHandlers {
  /** The server accepted the subscription. */
  onOpen?: () => void;
  /** One event; a returned promise pauses reading until it settles (a rejection ends the stream with it). */
  onEvent: (event: ServerEvent) => void | Promise<unknown>;
}

/**
 * A client of a running pilot's control server, over its unix socket or loopback TCP. Errors
 * become {@link CliError}s that say what is wrong and what to do: no pilot listening, bad
 * token, unknown process (the server's own message).
 */
export class ControlClient {
  constructor(readonly endpoint: ControlEndpoint) {}

  /** One JSON request; resolves with the parsed body of a 2xx reply. */
  async request<T>(method: 'GET' | 'POST', path: string): Promise<T> {
    const response = await this.send(method, path);
    const body = await readBody(response);
    let value: unknown;
    try {
      value = body.length > 0 ? JSON.parse(body) : {};
    } catch {
      throw new CliError(`${this.endpoint.description} answered ${method} ${path} with ${response.statusCode} and a body that is not JSON; is it a pilot control server?`);
    }
    if ((response.statusCode ?? 500) >= 400) throw this.httpError(response.statusCode ?? 500, value);
    return value as T;
  }

  /**
   * Read a server-sent event stream: `onOpen` once the server accepted it, then `onEvent` per
   * event. When `onEvent` returns a promise (stdout is full), reading pauses until it settles,
   * so the server, not this process, holds what a slow reader has not taken yet. Resolves when
   * the server ends the stream (the pilot stopped) or `signal` aborts; rejects with a CliError
   * when the connection is cut before the end or a handler fails.
   */
  async events(path: string, handlers: EventHandlers, signal?: AbortSignal): Promise<void> {
    const response = await this.send('GET', path, { accept: 'text/event-stream' });
    if ((response.statusCode ?? 500) >= 400) {
      const body = await readBody(response);
      throw this.httpError(response.statusCode ?? 500, parseJson(body));
    }
    handlers.onOpen?.();
    response.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      const fail = (error: unknown) => {
        response.destroy();
        reject(error);
      };
      const waits: Promise<unknown>[] = [];
      const parser = new SseParser((event) => {
        const wait = handlers.onEvent(event);
        if (wait) waits.push(wait);
      });
      const abort = () => {
        response.destroy();
        resolve();
      };
      if (signal?.aborted) return abort();
      signal?.addEventListener('abort', abort, { once: true });
      response.on('data', (chunk: string) => {
        try {
          parser.push(chunk);
        } catch (error) {
          return fail(error);
        }
        if (waits.length === 0) return;
        response.pause();
        Promise.all(waits.splice(0)).then(() => response.resume(), fail);
      });
      response.on('end', resolve);
      // 'close' without 'end': the server (or the network) cut the stream; it did not end it.
      response.on('close', () => (signal?.aborted || response.complete ? resolve() : fail(this.cutError())));
      response.on('error', () => fail(this.cutError()));
    });
  }

  private cutError(): CliError {
    return new CliError(`the connection to the pilot at ${this.endpoint.description} was cut before the event stream ended: the pilot may have crashed or stopped serving this client; run the command again`);
  }

  private async send(method: string, path: string, headers: Record<string, string> = { accept: 'application/json' }): Promise<IncomingMessage> {
    // Imported here: every command loads this file, and node:http costs `pilot run` ~5 ms of start-up.
    const { request: httpRequest } = await import('node:http');
    const { socketPath, url, token } = this.endpoint;
    const options: RequestOptions = { method, path, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } };
    if (socketPath) options.socketPath = socketPath;
    else if (url) {
      const target = new URL(path, url);
      Object.assign(options, { host: url.hostname, port: url.port, path: target.pathname + target.search });
    }
    return new Promise((resolve, reject) => {
      const req: ClientRequest = httpRequest(options, resolve);
      req.on('error', (error: NodeJS.ErrnoException) => reject(this.connectionError(error)));
      req.end();
    });
  }

  private connectionError(error: NodeJS.ErrnoException): CliError {
    const { description, pid } = this.endpoint;
    if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') {
      const who = pid !== undefined ? ` (the pilot with pid ${pid} that recorded it is ${isRunning(pid) ? 'running but not listening' : 'gone'})` : '';
      return new CliError(`no pilot is running: nothing listens on ${description}${who}. Start one with "pilot run" (its manifest needs control_server: http)`);
    }
    if (error.code === 'EACCES') return new CliError(`permission denied on ${description}: run this as the user who started the pilot`);
    return new CliError(`cannot reach the pilot at ${description}: ${error.message}`);
  }

  private httpError(status: number, body: unknown): CliError {
    const message = typeof (body as { error?: unknown })?.error === 'string' ? (body as { error: string }).error : `HTTP ${status}`;
    const hint = status === 401 ? '; pass the token with --token or PILOT_TOKEN (it is in .pilot/token next to the manifest)' : '';
    return new CliError(`${message}${hint}`);
  }
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (body += chunk));
    response.on('end', () => resolve(body));
    response.on('error', reject);
  });
}

// Not core's processExists: this module loads for every command, and importing the engine here
// would make `pilot --help` load all of it (100 -> 150 ms).
function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 1) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
