import { readdirSync, readFileSync } from 'node:fs';
import { pipePool } from '../process/pipe-pool.js';

/** What this Node process holds at one moment: open fds and active libuv resources by kind. */
export interface Census {
  /** Entries of /proc/self/fd but the spare pipes of core's pipe pool (undefined where there is no /proc). */
  fds: number | undefined;
  /** `process.getActiveResourcesInfo()` counted by kind: `Timeout`, `TCPSocketWrap`, `FSEventWrap`, ... */
  resources: Map<string, number>;
}

/** Count what this process holds now. */
export function takeCensus(): Census {
  const resources = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) resources.set(kind, (resources.get(kind) ?? 0) + 1);
  let fds: number | undefined;
  try {
    // The pool's spare pipes come and go with its refills: they belong to the pilot, not to a strategy.
    fds = readdirSync('/proc/self/fd').length - pipePool.heldFds();
  } catch {
    fds = undefined;
  }
  return { fds, resources };
}

/** What `now` holds beyond `before`, one phrase per kind ("2 more fds", "1 more Timeout"); empty when nothing. */
export function excessOver(before: Census, now: Census): string[] {
  const excess: string[] = [];
  if (before.fds !== undefined && now.fds !== undefined && now.fds > before.fds) excess.push(`${now.fds - before.fds} more fds`);
  for (const [kind, count] of now.resources) {
    const extra = count - (before.resources.get(kind) ?? 0);
    if (extra > 0) excess.push(`${extra} more ${kind}`);
  }
  return excess;
}

/**
 * Resolves once this process holds no more than `before` (a socket's close and a pipe pool's
 * refill finish a few turns later); rejects naming the excess when it still does after `deadlineMs`.
 */
export async function settlesBackTo(before: Census, what: string, deadlineMs = 2_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const excess = excessOver(before, takeCensus());
    if (excess.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${what}: still held ${deadlineMs} ms after the wait ended: ${excess.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Pids of live processes whose environment holds `variable=value` (the markers of one check's processes). */
export function markedProcesses(variable: string, value: string): number[] {
  const needle = `${variable}=${value}\0`;
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat[stat.lastIndexOf(')') + 2] === 'Z') continue;
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(needle)) found.push(pid);
    } catch {
      // gone, or not ours to read: not one of our marked processes
    }
  }
  return found;
}

/**
 * A census once two readings 20 ms apart agree (at most 1 s of waiting): background work of the
 * pilot itself (the pipe pool refilling after a spawn) must not count as the strategy's.
 */
export async function stableCensus(): Promise<Census> {
  let previous = takeCensus();
  const deadline = Date.now() + 1_000;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = takeCensus();
    const same = excessOver(previous, now).length === 0 && excessOver(now, previous).length === 0;
    if (same || Date.now() > deadline) return now;
    previous = now;
  }
}
