import { statSync, type BigIntStats } from 'node:fs';

/** What identifies the entry at a path at one moment: device, inode and change time (ns). */
export interface EntryIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly ctimeNs: bigint;
}

/**
 * The kernel stamps files with a coarse clock that can lag `Date.now()` by one scheduler tick
 * (up to 10 ms); a file created just after spawn must not look older than the spawn.
 */
export const COARSE_CLOCK_SLACK_MS = 10;

/** The entry at `path` (following symlinks), or undefined when there is none or it cannot be read. */
export function statEntry(path: string): BigIntStats | undefined {
  try {
    return statSync(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    return undefined; // ENOTDIR, EACCES, ELOOP: nothing usable exists there
  }
}

/** The identity of `stats`, to compare with a later look at the same path. */
export function identityOf(stats: BigIntStats): EntryIdentity {
  return { dev: stats.dev, ino: stats.ino, ctimeNs: stats.ctimeNs };
}

/** True when `stats` describes another entry, or the same entry changed since `before`. */
export function changedSince(stats: BigIntStats, before: EntryIdentity): boolean {
  return stats.dev !== before.dev || stats.ino !== before.ino || stats.ctimeNs !== before.ctimeNs;
}

/** True when `stats` was created or changed at or after `spawnedAt` (ms since the epoch). */
export function changedAfter(stats: BigIntStats, spawnedAt: number): boolean {
  return Number(stats.ctimeNs / 1_000_000n) >= spawnedAt - COARSE_CLOCK_SLACK_MS;
}
