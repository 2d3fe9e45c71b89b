import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '../../../core/test/support/index.js';

/** Absolute path of a fixture of this package. */
export const fixture = (name: string): string => join(dirname(fileURLToPath(import.meta.url)), 'fixtures', name);

/** Where to reach a control server: its unix socket or a TCP URL. */
export type Target = { socketPath: string } | { url: string };

/** A finished HTTP exchange. */
export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: any;
}

/** Options of {@link call}. */
export interface CallOptions {
  method?: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
}

function endpoint(target: Target): { socketPath: string } | { host: string; port: number } {
  if ('socketPath' in target) return { socketPath: target.socketPath };
  const url = new URL(target.url);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) };
}

/** One real HTTP request on a fresh connection (no agent, so nothing outlives the test). */
export function call(target: Target, path: string, options: CallOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ ...endpoint(target), path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Send raw bytes on a new connection and collect everything until the server closes it. */
export function rawExchange(target: Target, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const where = endpoint(target);
    const socket = 'socketPath' in where ? connect(where.socketPath) : connect(where.port, where.host);
    socket.once('connect', () => socket.write(payload));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
  });
}

/** Open a connection and wait until it is established. */
export function openConnection(socketPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** One server-sent event. */
export interface ServerEvent {
  event: string;
  data: any;
}

/** A client of `GET /v1/events` that collects the events it receives. */
export interface EventClient {
  readonly events: ServerEvent[];
  /** Resolves when the server ended the stream. */
  readonly ended: Promise<void>;
  /** Wait until an event matching `predicate` arrived. */
  waitFor(predicate: (event: ServerEvent) => boolean, what: string): Promise<ServerEvent>;
  close(): void;
}

/** Connect to `/v1/events`; resolves once the server confirmed the subscription. */
export function openEvents(target: Target, headers: OutgoingHttpHeaders = {}): Promise<EventClient> {
  return new Promise((resolve, reject) => {
    const events: ServerEvent[] = [];
    let endStream: () => void = () => undefined;
    const ended = new Promise<void>((done) => (endStream = done));
    const req = httpRequest({ ...endpoint(target), path: '/v1/events', headers, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`GET /v1/events: ${res.statusCode}`));
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let boundary = buffer.indexOf('\n\n');
        while (boundary !== -1) {
          const frame = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          boundary = buffer.indexOf('\n\n');
          if (frame.startsWith(': connected')) resolve(client);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      });
      res.on('end', endStream);
      res.on('close', endStream);
      res.on('error', endStream);
    });
    req.on('error', (error) => {
      endStream();
      reject(error);
    });
    req.end();
    const client: EventClient = {
      events,
      ended,
      async waitFor(predicate, what) {
        await eventually(() => events.some(predicate), what);
        return events.find(predicate)!;
      },
      close: () => req.destroy(),
    };
  });
}

/** Permission bits of a file (0o600, ...). */
export const modeOf = (path: string): number => statSync(path).mode & 0o777;

/** Parse a JSON file (control.json). */
export function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Everything a unix socket server sends for one connection, parsed as JSON (the probe control server of the tests). */
export function askJson<T = any>(path: string): Promise<T> {
  return new Promise((done, fail) => {
    let text = '';
    const socket = connect(path);
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => done(JSON.parse(text)));
    socket.on('error', fail);
  });
}
