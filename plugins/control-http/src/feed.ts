import type { LogLine, PluginContext, ProcessState, ProcessStats } from '@pilot/core';

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

/** What a control server instance listens to while it runs. */
export interface FeedListener {
  state(event: StateEvent): void;
  log(event: LogEvent): void;
  /** The pilot begins to stop: refuse new actions and settle the ones in flight. */
  stopping(): Promise<void>;
}

/**
 * The pilot's hooks as seen by the control server. Tapable hooks cannot be untapped, so the
 * plugin taps each hook once in `apply` and fans out to the listeners of the running server;
 * a stopped server just leaves the set, and an idle pilot pays one empty-set check per event.
 */
export class PilotFeed {
  private readonly listeners = new Set<FeedListener>();
  private readonly latest = new Map<string, ProcessStats>();
  private stoppingNow = false;

  constructor(pilot: PluginContext, tapName: string) {
    const { hooks } = pilot;
    hooks.stateChange.tap(tapName, (info, from, to) => {
      if (this.listeners.size === 0) return;
      const event: StateEvent = { name: info.name, from, to, pid: info.pid ?? null };
      for (const listener of this.listeners) listener.state(event);
    });
    hooks.output.tap(tapName, (info, line) => {
      if (this.listeners.size === 0) return;
      const event: LogEvent = { name: info.name, stream: line.stream, text: line.text, time: line.time };
      for (const listener of this.listeners) listener.log(event);
    });
    hooks.statsSample.tap(tapName, (samples) => {
      for (const sample of samples) this.latest.set(sample.name, sample);
    });
    hooks.beforeStart.tap(tapName, () => {
      this.stoppingNow = false;
    });
    hooks.beforeStop.tapPromise(tapName, async () => {
      this.stoppingNow = true;
      await Promise.all([...this.listeners].map((listener) => listener.stopping()));
    });
  }

  /** True from the pilot's `beforeStop` until its next `beforeStart`. */
  get stopping(): boolean {
    return this.stoppingNow;
  }

  /** The latest sample of `name` while it still describes the live process `pid`. */
  statsOf(name: string, pid: number | undefined): ProcessStats | undefined {
    const sample = this.latest.get(name);
    return sample !== undefined && sample.pid === pid ? sample : undefined;
  }

  /** Start fanning events out to `listener`; returns the unsubscribe function. */
  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
