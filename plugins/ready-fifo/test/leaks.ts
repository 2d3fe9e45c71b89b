import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { eventually } from '../../../core/test/support/index.js';

function ownFds(): { fd: string; link: string }[] {
  const fds: { fd: string; link: string }[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      fds.push({ fd, link: readlinkSync(`/proc/self/fd/${fd}`) });
    } catch {
      // closed meanwhile
    }
  }
  return fds;
}

/** How many inotify watches this process holds on `directory` (from /proc/self/fdinfo). */
export function inotifyWatches(directory: string): number {
  const ino = statSync(directory).ino.toString(16);
  let count = 0;
  for (const { fd, link } of ownFds()) {
    if (link !== 'anon_inode:inotify') continue;
    try {
      const info = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
      count += info.split('\n').filter((line) => line.startsWith('inotify ') && line.includes(` ino:${ino} `)).length;
    } catch {
      // closed meanwhile
    }
  }
  return count;
}

/** This process's open fds on files under `directory` (a FIFO shows its path, even once unlinked). */
export function fdsUnder(directory: string): string[] {
  return ownFds()
    .map(({ link }) => link)
    .filter((link) => link.startsWith(`${directory}/`));
}

/**
 * Resolves once this process holds no fd under `directory` and no inotify watch on it. A watch
 * or socket closed from inside its own callback is released by libuv right after it.
 */
export function nothingHeldIn(directory: string): Promise<void> {
  return eventually(() => inotifyWatches(directory) === 0 && fdsUnder(directory).length === 0, `no fd or watch left in ${directory}`, 5_000);
}
