import type { ServerResponse } from 'node:http';
import type { LogEvent, StateEvent } from './feed.js';

/** Comment line sent every this many ms so that proxies and clients see the stream is alive. */
const HEARTBEAT_MS = 15_000;
/** A client this far behind is dropped: one stalled reader must not grow the pilot's memory. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * The clients of `GET /v1/events` (server-sent events). One Set of responses; a client leaves
 * it when its connection closes, so nothing is written to a gone client and nothing leaks.
 */
export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private heartbeat: NodeJS.Timeout | undefined;

  /** Number of connected clients. */
  get size(): number {
    return this.clients.size;
  }

  /** Turn `res` into an event stream and keep it until the client goes away. */
  open(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    // Tells the client it is subscribed: events from here on will reach it.
    res.write(': connected\n\n');
    this.clients.add(res);
    const leave = () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stopHeartbeat();
    };
    // The response closes when the client disconnects (or the server ends it); the request's own
    // 'close' may fire as soon as its (empty) body is read, so it is not a disconnect signal.
    res.on('close', leave);
    this.startHeartbeat();
  }

  /** Send `event: state`. */
  state(event: StateEvent): void {
    this.send('state', event);
  }

  /** Send `event: log`. */
  log(event: LogEvent): void {
    this.send('log', event);
  }

  /** End every stream (the server is closing). */
  closeAll(): void {
    for (const res of this.clients) res.end();
    this.clients.clear();
    this.stopHeartbeat();
  }

  private send(type: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const frame = `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of this.clients) this.write(res, frame);
  }

  private write(res: ServerResponse, frame: string): void {
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      this.clients.delete(res);
      res.destroy();
      return;
    }
    res.write(frame);
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      for (const res of this.clients) this.write(res, ': keep-alive\n\n');
    }, HEARTBEAT_MS);
    // The heartbeat alone must never keep the pilot's process alive.
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
