import { existsSync } from 'node:fs';
import { descendantsOf, groupExists, groupHasMembers, readProcTable, stillAlive, type ProcEntry } from './proc-table.js';
import { assertSignalable, signalGroup, signalProcess } from './signals.js';

/** How to stop one process tree. */
export interface StopTreeOptions {
  /** The graceful signal. @default 'SIGTERM' */
  signal: NodeJS.Signals;
  /** Milliseconds between the graceful signal and SIGKILL. */
  timeoutMs: number;
  /** Settles when the tree's leader has exited (its 'exit' event). */
  leaderExited: Promise<unknown>;
  /** True when the leader is known to be reaped already (its pid may be reused). */
  leaderGone?: boolean;
  /** Receives the descendants recorded before signalling (for a later kill-now). */
  onTracked?: (tracked: readonly ProcEntry[]) => void;
}

/** What a stop had to do. */
export interface StopTreeResult {
  /** True when something was still alive at the deadline and got SIGKILL. */
  forced: boolean;
}

const POLL_MS = 20;
/** Concurrent stops (200 children) share /proc snapshots up to this age instead of one scan each. */
const SNAPSHOT_MS = 10;
const hasProc = existsSync('/proc/self/stat');

/**
 * Stop the tree led by `pid` (a group leader we spawned detached): the stop signal and SIGCONT
 * to its group and to every descendant found by a ppid walk (setsid escapees included), wait
 * until leader, group and descendants are gone or `timeoutMs` passes, then SIGKILL what is left.
 * Descendants are recorded with their start time before signalling: once the leader dies they are
 * re-parented and a later walk would miss them, and a pid reused meanwhile is never signalled.
 */
export async function stopTree(pid: number, options: StopTreeOptions): Promise<StopTreeResult> {
  assertSignalable(pid, true);
  if (!hasProc) return stopWithTreeKill(pid, options);
  const tracked = descendantsOf(pid);
  options.onTracked?.(tracked);
  let leaderGone = options.leaderGone ?? false;
  void options.leaderExited.then(() => (leaderGone = true));
  sendAll(pid, tracked, options.signal, leaderGone);
  if (options.signal !== 'SIGCONT') sendAll(pid, tracked, 'SIGCONT', leaderGone);
  const deadline = performance.now() + options.timeoutMs;
  await raceTimeout(options.leaderExited, options.timeoutMs);
  while (performance.now() < deadline) {
    if (leaderGone && treeGone(pid, tracked)) return { forced: false };
    await sleep(Math.min(POLL_MS, Math.max(1, deadline - performance.now())));
  }
  if (leaderGone && treeGone(pid, tracked)) return { forced: false };
  // Descendants of survivors that appeared after the first walk are killed too.
  const survivors = tracked.filter(stillAlive);
  for (const survivor of [...survivors]) survivors.push(...descendantsOf(survivor.pid));
  sendAll(pid, survivors, 'SIGKILL', leaderGone);
  await raceTimeout(options.leaderExited, 2000);
  return { forced: true };
}

/**
 * Kill whatever is left of a group whose leader already exited by itself (a crash leaving
 * grandchildren behind), so that a restart never leaves the old tree running.
 */
export async function reapGroup(pgid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  if (!hasProc || !groupLive(pgid)) return;
  await stopTree(pgid, { signal, timeoutMs, leaderExited: Promise.resolve(), leaderGone: true });
}

/** SIGKILL a whole tree at once, synchronously (descendants by ppid walk, then the group): for `process.on('exit')`. */
export function killTreeNow(pgid: number): void {
  try {
    const tree = hasProc ? descendantsOf(pgid) : [];
    for (const member of tree) if (member.pgid !== pgid) signalProcess(member.pid, 'SIGKILL');
    signalGroup(pgid, 'SIGKILL');
  } catch {
    // Exit handlers must not throw; an invalid pid was never signalled.
  }
}

function sendAll(pgid: number, members: readonly ProcEntry[], signal: NodeJS.Signals, leaderGone: boolean): void {
  // Re-check membership: once a group is empty its id may later name a stranger's group. While
  // the leader is alive (not yet reaped) its pid, hence the group id, cannot have been reused.
  // (kill() costs ~35 µs here: no probe before the signal while the leader lives; ESRCH is handled.)
  if (!leaderGone || groupLive(pgid)) signalGroup(pgid, signal);
  for (const member of members) {
    if (member.pgid !== pgid && stillAlive(member)) signalProcess(member.pid, signal);
  }
}

function treeGone(pgid: number, tracked: readonly ProcEntry[]): boolean {
  return !tracked.some(stillAlive) && !groupLive(pgid);
}

/**
 * True when group `pgid` has a live member. The cheap kill(-pgid, 0) answers "empty" in the
 * common case; only when it says "exists" (members outside the walked tree, or zombies an init
 * that does not reap keeps in the group) is the process table scanned to be sure.
 */
function groupLive(pgid: number): boolean {
  return groupExists(pgid) && groupHasMembers(readProcTable(SNAPSHOT_MS), pgid);
}

/** Wait for `promise` at most `ms`; the timer never outlives the wait (it would keep Node alive). */
async function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Without /proc (macOS): tree-kill's ps walk, then the group, with the same timeout. */
async function stopWithTreeKill(pid: number, options: StopTreeOptions): Promise<StopTreeResult> {
  const { default: treeKill } = await import('tree-kill');
  const kill = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => treeKill(pid, signal, () => resolve()));
  await kill(options.signal);
  const exited = await raceTimeout(options.leaderExited.then(() => true), options.timeoutMs);
  if (exited === true) return { forced: false };
  await kill('SIGKILL');
  try {
    signalGroup(pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
  return { forced: true };
}
