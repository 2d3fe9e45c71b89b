import type { PluginContext } from '@pilot/core';

/**
 * Serialises the restarts the `limits` handler asks for, per pilot: at most one in flight per
 * process (however many `limits` entries a process lists), none while the pilot stops, and the
 * pilot's stop waits for those in flight, so none spawns a process after the stop took it down.
 */
export class RestartGuard {
  private readonly inFlight = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(pilot: PluginContext, tapName: string, private readonly restart: (name: string) => Promise<void>) {
    pilot.hooks.beforeStart.tap(tapName, () => {
      this.stopping = false;
    });
    pilot.hooks.beforeStop.tapPromise(tapName, async () => {
      this.stopping = true;
      await Promise.allSettled([...this.inFlight.values()]);
    });
  }

  /** True while a restart of `name` is in flight. */
  isRestarting(name: string): boolean {
    return this.inFlight.has(name);
  }

  /** True when {@link begin} would start a restart of `name` now. */
  accepts(name: string): boolean {
    return !this.stopping && !this.inFlight.has(name);
  }

  /**
   * Begin restarting `name` unless one is in flight or the pilot is stopping. Returns the
   * restart's promise (never rejects: `onFailure` gets the error), or undefined when refused.
   */
  begin(name: string, onFailure: (error: unknown) => void): Promise<void> | undefined {
    if (!this.accepts(name)) return undefined;
    // Recorded before the restart begins: its first step fires hooks synchronously, and a pilot
    // stop started from one of them must already find it in flight (and wait for it).
    const running = Promise.resolve()
      .then(() => this.restart(name))
      .catch(onFailure)
      .finally(() => this.inFlight.delete(name));
    this.inFlight.set(name, running);
    return running;
  }
}
