import { existsSync } from 'node:fs';
import type { KillMode } from '../executor/executor.js';
import type { OwnGroup } from './own-group.js';
import { descendantsOf, readProcEntry, type ProcEntry } from './proc-table.js';
import { assertSignalable, signalGroup, signalProcess } from './signals.js';

/** How to stop one process tree. */
export interface StopTreeOptions {
  /** The graceful signal. */
  signal: NodeJS.Signals;
  /** Milliseconds between the graceful signal and SIGKILL. */
  timeoutMs: number;
  /** Who gets the graceful signal. @default 'control-group' */
  killMode?: KillMode;
  /** Settles when the tree's leader has exited (its 'exit' event). */
  leaderExited: Promise<unknown>;
  /** Descendants recorded so far (outside the group they are found by no later walk); grows during the stop. */
  tracked: TrackedDescendants;
}

/** What a stop had to do. */
export interface StopTreeResult {
  /** True when something was still alive at the deadline and got SIGKILL. */
  forced: boolean;
}

/**
 * Descendants of a run recorded with their start time (a reused pid never matches): once the
 * leader dies they are re-parented, and a setsid one left the group, so no later walk finds them.
 */
export class TrackedDescendants {
  readonly entries = new Map<number, ProcEntry>();

  /** @param onNew receives each batch of newly recorded entries (to hand their groups to the lifeline). */
  constructor(private readonly onNew: (entries: readonly ProcEntry[]) => void = () => undefined) {}

  /** Record entries not seen yet. */
  add(entries: readonly ProcEntry[]): void {
    const fresh = entries.filter((entry) => this.entries.get(entry.pid)?.startTime !== entry.startTime);
    for (const entry of fresh) this.entries.set(entry.pid, entry);
    if (fresh.length > 0) this.onNew(fresh);
  }

  /** The recorded ones that are still the same live processes, as they are now (a pgid may have changed by setsid). */
  alive(): ProcEntry[] {
    const live: ProcEntry[] = [];
    for (const entry of this.entries.values()) {
      const now = readProcEntry(entry.pid);
      if (now?.startTime === entry.startTime) live.push(now);
    }
    return live;
  }
}

const POLL_MS = 20;
const KILL_WAIT_MS = 2000;
const hasProc = existsSync('/proc/self/stat');

/**
 * Stop the tree of `group` per `killMode`: `control-group` sends the stop signal and SIGCONT to
 * the group and every recorded descendant outside it; `mixed` and `process` to the leader only.
 * While the leader lives its descendants are walked again every round (a child forking during the
 * stop is recorded too). Once the leader is gone: `mixed` SIGKILLs what is left at once,
 * `process` sends it the stop signal; the stop ends when leader, group and descendants are gone,
 * and at `timeoutMs` everything left gets SIGKILL (walked once more). Every signal is
 * identity-checked right before it is sent.
 */
export async function stopTree(group: OwnGroup, options: StopTreeOptions): Promise<StopTreeResult> {
  assertSignalable(group.pgid, true);
  if (!hasProc) return stopWithTreeKill(group.pgid, options);
  const result = await stopPerMode(group, options);
  // The leader may be a zombie still: the stop ends with its 'exit' event (state is driven by it).
  await raceTimeout(options.leaderExited, KILL_WAIT_MS);
  return result;
}

async function stopPerMode(group: OwnGroup, options: StopTreeOptions): Promise<StopTreeResult> {
  const { tracked } = options;
  const mode = options.killMode ?? 'control-group';
  walk(group, tracked);
  if (mode === 'control-group') sendGraceful(group, tracked, options.signal, 'all');
  else sendGraceful(group, tracked, options.signal, 'leader');
  let restSignalled = mode === 'control-group';
  const deadline = performance.now() + options.timeoutMs;
  // The walk comes after each wait: one right after the signal would repeat the one before it.
  // The leader counts as gone once reaped (its 'exit' event, which the wait below wakes on): a
  // zombie leader would otherwise send the group check to a scan of all of /proc.
  while (performance.now() < deadline) {
    if (group.reaped()) {
      if (mode === 'mixed') return killRest(group, tracked, options, false);
      if (!restSignalled) {
        sendGraceful(group, tracked, options.signal, 'all');
        restSignalled = true;
      }
      if (treeGone(group, tracked)) return { forced: false };
    }
    await raceTimeout(options.leaderExited, Math.min(POLL_MS, Math.max(1, deadline - performance.now())));
    walk(group, tracked);
  }
  return killRest(group, tracked, options, true);
}

/** SIGKILL whatever is left of the tree (walked once more), then wait a little for the leader's exit. */
async function killRest(group: OwnGroup, tracked: TrackedDescendants, options: StopTreeOptions, atDeadline: boolean): Promise<StopTreeResult> {
  for (const survivor of tracked.alive()) tracked.add(descendantsOf(survivor.pid));
  if (treeGone(group, tracked)) return { forced: false };
  killTreeNow(group, tracked);
  await raceTimeout(options.leaderExited, KILL_WAIT_MS);
  return { forced: atDeadline };
}

/** Record the leader's descendants, while the leader is ours (a reaped leader's pid may be a stranger's). */
function walk(group: OwnGroup, tracked: TrackedDescendants): void {
  if (!group.reaped()) tracked.add(descendantsOf(group.pgid));
}

function sendGraceful(group: OwnGroup, tracked: TrackedDescendants, signal: NodeJS.Signals, who: 'leader' | 'all'): void {
  for (const each of signal === 'SIGCONT' ? [signal] : [signal, 'SIGCONT' as const]) {
    if (who === 'leader') group.signalLeader(each);
    else sendAll(group, tracked, each);
  }
}

function sendAll(group: OwnGroup, tracked: TrackedDescendants, signal: NodeJS.Signals): void {
  group.signal(signal);
  for (const member of tracked.alive()) if (member.pgid !== group.pgid) signalProcess(member.pid, signal);
}

function treeGone(group: OwnGroup, tracked: TrackedDescendants): boolean {
  return tracked.alive().length === 0 && !group.hasLiveMembers();
}

/**
 * SIGKILL a whole tree at once, synchronously: the group and every recorded descendant are
 * SIGSTOPped first and walked until no new one appears (a process that forks, or a child that
 * calls setsid between the walk and the kill, would escape otherwise), then everything gets
 * SIGKILL, each identity-checked. For the deadline, kill-now and the exit handler.
 */
export function killTreeNow(group: OwnGroup, tracked: TrackedDescendants): void {
  if (hasProc) freeze(group, tracked);
  for (const member of tracked.alive()) signalProcess(member.pid, 'SIGKILL');
  group.signal('SIGKILL');
}

function freeze(group: OwnGroup, tracked: TrackedDescendants): void {
  group.signal('SIGSTOP');
  for (let round = 0; round < 10; round += 1) {
    const known = tracked.entries.size;
    walk(group, tracked);
    for (const member of tracked.alive()) {
      signalProcess(member.pid, 'SIGSTOP');
      tracked.add(descendantsOf(member.pid));
    }
    if (tracked.entries.size === known) return;
  }
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

/** Without /proc (macOS): tree-kill's ps walk, then the group, with the same timeout. */
async function stopWithTreeKill(pid: number, options: StopTreeOptions): Promise<StopTreeResult> {
  const { default: treeKill } = await import('tree-kill');
  const kill = (signal: NodeJS.Signals) => new Promise<void>((resolve) => treeKill(pid, signal, () => resolve()));
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
