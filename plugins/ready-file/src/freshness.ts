import { statSync, type BigIntStats } from 'node:fs';

/** What identifies the entry at a path at one moment: device, inode and change time (ns). */
export interface EntryIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly ctimeNs: bigint;
}

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
