import { statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/** How often the fallback poll looks while the directory cannot be watched. */
export const FALLBACK_POLL_MS = 100;

/** A running watch on one directory entry. */
export interface NameWatch {
  /** `watch` while fs.watch is attached, `poll` during the fallback, `closed` after `close()`. */
  readonly mode: 'watch' | 'poll' | 'closed';
  /** Release the watcher or the poll timer (idempotent). */
  close(): void;
}

/**
 * Why `onChange` was called: `event` = fs.watch named the entry (something touched it),
 * `poll` = a fallback tick, `attached` = the watch was just (re)attached after polling.
 */
export type ChangeReason = 'event' | 'poll' | 'attached';

/**
 * Calls `onChange` whenever the entry at `path` may have changed: on every fs.watch (inotify)
 * event of its directory that names it, and once after the watch is (re)attached. While the
 * directory is missing or cannot be watched it falls back to polling every `pollMs`, calling
 * `onChange` on each tick and switching to fs.watch as soon as the directory can be watched.
 */
export function watchName(path: string, onChange: (reason: ChangeReason) => void, pollMs = FALLBACK_POLL_MS): NameWatch {
  return new NameWatcher(path, onChange, pollMs);
}

class NameWatcher implements NameWatch {
  private readonly directory: string;
  private readonly name: string;
  private watcher: FSWatcher | undefined;
  private directoryIno: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    path: string,
    private readonly onChange: (reason: ChangeReason) => void,
    private readonly pollMs: number,
  ) {
    this.directory = dirname(path);
    this.name = basename(path);
    if (!this.attach()) this.poll();
  }

  get mode(): NameWatch['mode'] {
    return this.closed ? 'closed' : this.watcher ? 'watch' : 'poll';
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
    this.detach();
  }

  private attach(): boolean {
    try {
      this.directoryIno = statSync(this.directory).ino;
      this.watcher = watch(this.directory, { persistent: true });
    } catch {
      return false;
    }
    this.watcher.on('change', (_event, filename) => {
      if (filename === null || filename === this.name) this.onChange('event');
      // inotify reports the directory's own deletion or move under the directory's name.
      if (filename === null || filename === basename(this.directory)) this.checkDirectory();
    });
    this.watcher.on('error', () => this.fallBack());
    return true;
  }

  private detach(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** A deleted or replaced directory silences its watch: poll until a new one can be watched. */
  private checkDirectory(): void {
    if (this.closed || !this.watcher) return;
    let ino: number | undefined;
    try {
      ino = statSync(this.directory).ino;
    } catch {
      ino = undefined;
    }
    if (ino !== this.directoryIno) this.fallBack();
  }

  private fallBack(): void {
    if (this.closed) return;
    this.detach();
    this.poll();
    this.onChange('poll');
  }

  private poll(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      const attached = this.attach();
      if (attached) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
      this.onChange(attached ? 'attached' : 'poll');
    }, this.pollMs);
  }
}
