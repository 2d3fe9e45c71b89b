import type { PilotHooks, StopReason } from './hooks.js';
import type { LogLine } from './process/output.js';
import type { ProcessInfo, ProcessState } from './process/state.js';
import type { ProcessStats } from './stats.js';

/** One process in a {@link PilotSnapshot}. */
export interface ProcessSnapshot extends ProcessInfo {
  /** Milliseconds since the live instance was spawned; null when none is alive. */
  uptimeMs: number | null;
  /** The latest stats sample of the live instance; undefined before the first one. */
  stats: ProcessStats | undefined;
}

/** The whole pilot at one moment: what `pilot status` and a dashboard show. */
export interface PilotSnapshot {
  /** `Date.now()` when it was taken. */
  time: number;
  /** True between `start()` and the end of `stop()`. */
  running: boolean;
  /** True while the pilot stops everything (operations are refused). */
  stopping: boolean;
  processes: ProcessSnapshot[];
}

/** What {@link ReadModel.subscribe} delivers, in the order it happened. */
export type PilotEvent =
  | { type: 'state'; name: string; from: ProcessState; to: ProcessState; pid: number | null; time: number }
  | ({ type: 'log'; name: string } & LogLine)
  | { type: 'stats'; samples: readonly ProcessStats[] }
  | { type: 'stopping'; reason: StopReason }
  | { type: 'stopped'; reason: StopReason }
  /** A slow consumer of {@link ReadModel.events} missed `count` events (its queue was full). */
  | { type: 'dropped'; count: number };

/** The kinds of event a subscriber may ask for. */
export type PilotEventType = Exclude<PilotEvent['type'], 'dropped'>;

/** What the read model needs from the pilot. */
export interface ReadModelSource {
  hooks: PilotHooks;
  processes: () => ProcessInfo[];
  running: () => boolean;
  stopping: () => boolean;
}

type Listener = { types: ReadonlySet<PilotEventType>; deliver: (event: PilotEvent) => void };

const ALL_TYPES: readonly PilotEventType[] = ['state', 'log', 'stats', 'stopping', 'stopped'];

/**
 * The read side of a pilot: `snapshot()` of every process and `subscribe()` to what changes.
 * Control servers and dashboards are its clients; none of them keeps a model of its own.
 * Output is tapped only once someone subscribes to logs, so a pilot nobody watches pays nothing
 * per line.
 */
export class ReadModel {
  private readonly listeners = new Set<Listener>();
  private readonly latest = new Map<string, ProcessStats>();
  private logsTapped = false;

  constructor(private readonly source: ReadModelSource) {
    const { hooks } = source;
    hooks.stateChange.tap('ReadModel', (info, from, to) => this.emit({ type: 'state', name: info.name, from, to, pid: info.pid ?? null, time: Date.now() }));
    hooks.statsSample.tap('ReadModel', (samples) => {
      for (const sample of samples) this.latest.set(sample.name, sample);
      this.emit({ type: 'stats', samples });
    });
    hooks.beforeStop.tap('ReadModel', (reason) => this.emit({ type: 'stopping', reason }));
    hooks.shutdown.tap('ReadModel', (reason) => this.emit({ type: 'stopped', reason }));
  }

  /** Every process now, with uptime and its latest stats sample. */
  snapshot(now = Date.now()): PilotSnapshot {
    const processes = this.source.processes().map((info): ProcessSnapshot => {
      const sample = this.latest.get(info.name);
      const alive = info.pid !== undefined;
      return {
        ...info,
        uptimeMs: alive && info.startedAt !== undefined ? Math.max(0, now - info.startedAt) : null,
        stats: alive && sample?.pid === info.pid ? sample : undefined,
      };
    });
    return { time: now, running: this.source.running(), stopping: this.source.stopping(), processes };
  }

  /**
   * Call `listener` synchronously for every event of `types` (all by default); returns the
   * unsubscribe function. A listener must not block: a slow consumer uses {@link events}.
   */
  subscribe(listener: (event: PilotEvent) => void, types: readonly PilotEventType[] = ALL_TYPES): () => void {
    const entry: Listener = { types: new Set(types), deliver: listener };
    if (entry.types.has('log')) this.tapLogs();
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  /**
   * The events as an async iterator with a bounded queue: a consumer that falls more than
   * `highWaterMark` events behind loses the oldest ones and is told how many (`dropped`), so a
   * slow client never makes the pilot's memory grow. `return()` (or `break`) unsubscribes.
   */
  events(options: { types?: readonly PilotEventType[]; highWaterMark?: number } = {}): AsyncIterableIterator<PilotEvent> {
    return new EventQueue(this, options.types ?? ALL_TYPES, options.highWaterMark ?? 10_000);
  }

  private tapLogs(): void {
    if (this.logsTapped) return;
    this.logsTapped = true;
    this.source.hooks.output.tap('ReadModel', (info, line) => this.emit({ type: 'log', name: info.name, ...line }));
  }

  private emit(event: PilotEvent): void {
    for (const listener of this.listeners) if (listener.types.has(event.type as PilotEventType)) listener.deliver(event);
  }
}

/** A bounded queue between the synchronous feed and one async consumer. */
class EventQueue implements AsyncIterableIterator<PilotEvent> {
  private readonly queue: PilotEvent[] = [];
  private dropped = 0;
  private waiting: ((result: IteratorResult<PilotEvent>) => void) | undefined;
  private readonly unsubscribe: () => void;
  private done = false;

  constructor(model: ReadModel, types: readonly PilotEventType[], private readonly highWaterMark: number) {
    this.unsubscribe = model.subscribe((event) => this.push(event), types);
  }

  private push(event: PilotEvent): void {
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      return resolve({ value: event, done: false });
    }
    if (this.queue.length >= this.highWaterMark) {
      this.queue.shift();
      this.dropped += 1;
    }
    this.queue.push(event);
  }

  next(): Promise<IteratorResult<PilotEvent>> {
    if (this.dropped > 0) {
      const count = this.dropped;
      this.dropped = 0;
      return Promise.resolve({ value: { type: 'dropped', count }, done: false });
    }
    const event = this.queue.shift();
    if (event) return Promise.resolve({ value: event, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<PilotEvent>> {
    this.done = true;
    this.unsubscribe();
    this.queue.length = 0;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = undefined;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
