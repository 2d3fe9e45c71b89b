import type { BigIntStats } from 'node:fs';
import { PilotError } from '@pilot/core';
import { changedSince, statEntry, type EntryIdentity } from './freshness.js';
import { watchName, type ChangeReason, type NameWatch } from '@pilot/core';

/**
 * Watches one readiness file: its directory is watched from construction on, so any event
 * naming the file after the snapshot counts as activity of this spawn, even when the kernel's
 * coarse timestamps cannot tell it apart from the snapshot. `before` is what was at the path
 * when the session was made, before the spawn (undefined: nothing).
 */
export class FileSession {
  private readonly watch: NameWatch;
  private touched = false;
  private resolveWaiter: (() => void) | undefined;

  constructor(
    readonly path: string,
    private readonly before: EntryIdentity | undefined,
  ) {
    this.watch = watchName(path, (reason) => this.onChange(reason));
  }

  /** Resolves once a fresh entry exists at the path; rejects with the signal's reason on abort. */
  ready(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.resolveWaiter = undefined;
        reject(signal.reason ?? new PilotError('PILOT_STOPPED', 'readiness wait aborted'));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.resolveWaiter = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      this.check();
    });
  }

  /** Release the watcher or poll timer (idempotent). */
  close(): void {
    this.watch.close();
  }

  private onChange(reason: ChangeReason): void {
    if (reason === 'event') this.touched = true;
    this.check();
  }

  private check(): void {
    if (!this.resolveWaiter) return;
    const stats = statEntry(this.path);
    if (!stats || !this.isFresh(stats)) return;
    const resolve = this.resolveWaiter;
    this.resolveWaiter = undefined;
    resolve();
  }

  private isFresh(stats: BigIntStats): boolean {
    return this.before === undefined || this.touched || changedSince(stats, this.before);
  }
}
