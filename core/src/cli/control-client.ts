import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { CliError } from './cli-error.js';
import type { ControlEndpoint } from './control-endpoint.js';
import type { ProcessView } from '../index.js';

export type { ProcessView };

/** One server-sent event: its `event:` name and parsed `data:`. */
export interface ServerEvent {
  event: string;
  data: unknown;
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
   * event. Resolves when the server ends the stream (the pilot stopped) or `signal` aborts.
   */
  async events(path: string, handlers: { onOpen?: () => void; onEvent: (event: ServerEvent) => void }, signal?: AbortSignal): Promise<void> {
    const response = await this.send('GET', path, { accept: 'text/event-stream' });
    if ((response.statusCode ?? 500) >= 400) {
      const body = await readBody(response);
      throw this.httpError(response.statusCode ?? 500, safeJson(body));
    }
    handlers.onOpen?.();
    const parser = new EventParser(handlers.onEvent);
    response.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      const abort = () => {
        response.destroy();
        resolve();
      };
      if (signal?.aborted) return abort();
      signal?.addEventListener('abort', abort, { once: true });
      response.on('data', (chunk: string) => parser.push(chunk));
      response.on('end', resolve);
      response.on('close', resolve);
      response.on('error', reject);
    });
  }

  private send(method: string, path: string, headers: Record<string, string> = { accept: 'application/json' }): Promise<IncomingMessage> {
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

/** Incremental text/event-stream parser: `event:` and `data:` lines, a blank line ends an event. */
class EventParser {
  private buffer = '';
  private event = 'message';
  private data: string[] = [];

  constructor(private readonly emit: (event: ServerEvent) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline !== -1) {
      this.line(this.buffer.slice(0, newline).replace(/\r$/, ''));
      this.buffer = this.buffer.slice(newline + 1);
      newline = this.buffer.indexOf('\n');
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) this.emit({ event: this.event, data: safeJson(this.data.join('\n')) });
      this.event = 'message';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
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
