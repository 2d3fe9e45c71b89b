import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';

/** A process as the fake server reports it. */
export const VIEWS = [
  { name: 'db', pid: 4242, status: 'running', restarts: 0, returnCode: null, signal: null, uptimeMs: 3_723_000, cpu: 1.25, memory: 32_768_000 },
  { name: 'api', pid: null, status: 'failed', restarts: 3, returnCode: 2, signal: null, uptimeMs: null, cpu: null, memory: null },
];

/**
 * A tiny stand-in for the http control server (docs/control-api.md) on a unix socket: the
 * routes the CLI uses, recorded requests, and `log()` to push a line to event-stream clients.
 */
export class FakeControlServer {
  readonly requests: string[] = [];
  readonly socket: string;
  private readonly server: Server;
  private readonly streams = new Set<ServerResponse>();

  constructor(readonly directory: string) {
    mkdirSync(join(directory, '.pilot'), { recursive: true, mode: 0o700 });
    this.socket = join(directory, '.pilot', 'control.sock');
    this.server = createServer((request, response) => this.handle(request, response));
  }

  /** Listen and write `.pilot/control.json` as the real server does. */
  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(this.socket, resolve));
    writeFileSync(join(this.directory, '.pilot', 'control.json'), JSON.stringify({ socket: this.socket, url: null, pid: process.pid }));
  }

  /** Number of open event streams. */
  get listeners(): number {
    return this.streams.size;
  }

  /** Send a log line to every event stream. */
  log(name: string, text: string): void {
    const data = JSON.stringify({ name, stream: 'stdout', text, time: Date.now() });
    for (const stream of this.streams) stream.write(`event: log\ndata: ${data}\n\n`);
  }

  /** Write `text` as is to every event stream, as one chunk. */
  raw(text: string | Buffer): void {
    for (const stream of this.streams) stream.write(text);
  }

  /** Cut every event stream without ending it (a crashed server). */
  cut(): void {
    for (const stream of this.streams) stream.destroy();
  }

  /** End every stream and stop listening. */
  async close(): Promise<void> {
    for (const stream of this.streams) stream.end();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    this.requests.push(`${request.method} ${request.url}`);
    const url = new URL(request.url ?? '/', 'http://localhost');
    const json = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const match = /^\/v1\/processes\/([^/]+)(?:\/(\w+))?$/.exec(url.pathname);
    const view = match ? VIEWS.find((candidate) => candidate.name === decodeURIComponent(match[1]!)) : undefined;
    if (url.pathname === '/v1/processes') return json(200, { processes: VIEWS });
    if (url.pathname === '/v1/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(': connected\n\n');
      this.streams.add(response);
      response.on('close', () => this.streams.delete(response));
      return;
    }
    if (match && !view) return json(404, { error: `no process is named "${match[1]}"; known: db, api` });
    if (match && view && match[2] === 'logs') {
      const count = Number(url.searchParams.get('lines') ?? 100);
      const lines = ['one', 'two', 'three'].map((text, index) => ({ stream: 'stdout', text: `${view.name} ${text}`, time: 1000 + index }));
      return json(200, { lines: lines.slice(-count) });
    }
    if (match && view && request.method === 'POST' && ['start', 'stop', 'restart'].includes(match[2] ?? '')) {
      return json(200, { ...view, status: match[2] === 'stop' ? 'stopped' : 'running', pid: match[2] === 'stop' ? null : 5151 });
    }
    json(404, { error: `no route ${request.method} ${url.pathname}` });
  }
}
