import { eventually } from '../../../core/test/support/index.js';
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';

/**
 * How many inotify watches this process holds on `directory` (from /proc/self/fdinfo): proof
 * that an fs.watch was released, independent of when Node drops the handle from its lists.
 */
export function inotifyWatches(directory: string): number {
  const ino = statSync(directory).ino.toString(16);
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) !== 'anon_inode:inotify') continue;
      const info = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
      count += info.split('\n').filter((line) => line.startsWith('inotify ') && line.includes(` ino:${ino} `)).length;
    } catch {
      // closed meanwhile
    }
  }
  return count;
}

/**
 * Resolves once no inotify watch on `directory` is left. A watch closed from inside its own event
 * callback is removed by libuv only after that event batch, so the check waits for it.
 */
export function noWatchesLeft(directory: string): Promise<void> {
  return eventually(() => inotifyWatches(directory) === 0, `no inotify watch left on ${directory}`, 5_000);
}
