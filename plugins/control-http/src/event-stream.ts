import type { ServerResponse } from 'node:http';
import type { LogLine, PilotEvent, ProcessState } from '@pilot/core';

/** A state change as sent on `/v1/events` (`event: state`). */
export interface StateEvent {
  name: string;
  from: ProcessState;
  to: ProcessState;
  pid: number | null;
}

/** A line of output as sent on `/v1/events` (`event: log`). */
export interface LogEvent extends LogLine {
  name: string;
}

/** Comment line sent every this many ms so that proxies and clients see the stream is alive. */
const HEARTBEAT_MS = 15_000;
/** Past this many bytes queued for a client, its events are dropped (and counted) instead of queued. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Once the queue is back under this, the client is told how many events it missed and gets events again. */
const RESUME_BYTES = MAX_BUFFERED_BYTES / 4;
/** A client that read nothing for this long while its events were dropped is disconnected. */
const STALLED_MS = 4 * HEARTBEAT_MS;

/** What a slow client missed, sent as `event: dropped` once it catches up. */
export interface DroppedEvent {
  /** `log` events dropped. */
  log: number;
  /** `state` events dropped. */
  state: number;
}

type EventType = keyof DroppedEvent;

/** One subscriber and what it has missed since it fell behind. */
interface Client {
  res: ServerResponse;
  dropped: (DroppedEvent & { since: number }) | undefined;
}

/**
 * The clients of `GET /v1/events` (server-sent events). A client leaves when its connection
 * closes, so nothing is written to a gone client. Memory per client is bounded: a client that
 * reads more slowly than events come (`pilot logs -f` of a child printing 20 MB/s) gets events
 * dropped while more than {@link MAX_BUFFERED_BYTES} wait for it, then one `event: dropped`
 * with the counts, then events again. One that reads nothing for {@link STALLED_MS} is dropped.
 */
export class EventStream {
  private readonly clients = new Map<ServerResponse, Client>();
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
    const client: Client = { res, dropped: undefined };
    this.clients.set(res, client);
    const leave = () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stopHeartbeat();
    };
    // The response closes when the client disconnects (or the server ends it); the request's own
    // 'close' may fire as soon as its (empty) body is read, so it is not a disconnect signal.
    res.on('close', leave);
    // Without this, a client that caught up after a drop would hear of it only with the next event.
    res.on('drain', () => this.catchUp(client));
    this.startHeartbeat();
  }

  /** Send a read-model event: `state` and `log` go out in the API's wire format; others are not streamed. */
  publish(event: PilotEvent): void {
    if (event.type === 'state') {
      const { name, from, to, pid } = event;
      this.send('state', { name, from, to, pid } satisfies StateEvent);
    } else if (event.type === 'log') {
      const { name, stream, text, time } = event;
      this.send('log', { name, stream, text, time } satisfies LogEvent);
    }
  }

  /** End every stream (the server is closing). */
  closeAll(): void {
    for (const res of this.clients.keys()) res.end();
    this.clients.clear();
    this.stopHeartbeat();
  }

  private send(type: EventType, data: unknown): void {
    if (this.clients.size === 0) return;
    const frame = `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const client of this.clients.values()) this.write(client, frame, type);
  }

  private write(client: Client, frame: string, type: EventType | undefined): void {
    this.catchUp(client);
    if (client.dropped === undefined && client.res.writableLength > MAX_BUFFERED_BYTES) {
      client.dropped = { log: 0, state: 0, since: Date.now() };
    }
    if (client.dropped === undefined) client.res.write(frame);
    else if (type !== undefined) client.dropped[type] += 1;
  }

  /** A dropping client whose queue has shrunk hears what it missed, and gets events again. */
  private catchUp(client: Client): void {
    const { dropped, res } = client;
    if (dropped === undefined || res.writableLength > RESUME_BYTES || res.destroyed) return;
    client.dropped = undefined;
    res.write(`event: dropped\ndata: ${JSON.stringify({ log: dropped.log, state: dropped.state })}\n\n`);
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    // The heartbeat alone must never keep the pilot's process alive.
    this.heartbeat.unref();
  }

  private beat(): void {
    const now = Date.now();
    for (const client of this.clients.values()) {
      if (client.dropped !== undefined && now - client.dropped.since > STALLED_MS) {
        // Nothing can reach it through the full queue, so there is no reason to send: just go.
        this.clients.delete(client.res);
        client.res.destroy();
      } else this.write(client, ': keep-alive\n\n', undefined);
    }
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
