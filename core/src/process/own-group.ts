import { groupExists, groupHasMembers, readProcEntry, readProcTable } from './proc-table.js';
import { signalGroup, signalProcess } from './signals.js';

/** Concurrent stops (200 children) share /proc snapshots up to this age instead of one scan each. */
const SNAPSHOT_MS = 10;

/**
 * A process group this pilot created (its leader is a child we spawned detached), with the
 * identity checks that keep every signal on it: a group number can name a stranger's group once
 * ours was empty, and the leader's pid a stranger once Node reaped the leader.
 */
export class OwnGroup {
  /**
   * @param leaderStartTime field 22 of the leader's /proc/<pid>/stat, read right after the spawn
   *   (undefined when it had already exited by then).
   * @param leaderReaped true once Node has reaped the leader (its 'exit' was emitted): from then
   *   on its pid may be reused.
   */
  constructor(
    readonly pgid: number,
    readonly leaderStartTime: string | undefined,
    private readonly leaderReaped: () => boolean,
  ) {}

  /**
   * True once Node has reaped the leader. Until then its pid and the group number are ours
   * (alive or a zombie), which is all an identity check needs, without reading /proc.
   */
  reaped(): boolean {
    return this.leaderReaped();
  }

  /** True while the leader is the live process we started (not reaped, same start time). */
  leaderAlive(): boolean {
    if (this.leaderReaped()) return false;
    const entry = readProcEntry(this.pgid);
    return entry !== undefined && entry.startTime === this.leaderStartTime;
  }

  /**
   * True when the number still names our group. A live process with pid `pgid` that is not our
   * leader means the number was free meanwhile (the kernel keeps it while any member of our
   * group lives), so whatever group has that number now is a stranger's.
   */
  isOurs(): boolean {
    const entry = readProcEntry(this.pgid);
    if (entry === undefined) return true;
    return !this.leaderReaped() && entry.startTime === this.leaderStartTime;
  }

  /** True when a live member of our group is left. */
  hasLiveMembers(): boolean {
    if (!this.isOurs()) return false;
    if (this.leaderAlive()) return true;
    // kill(-pgid, 0) answers "empty" cheaply; only "exists" (zombies count) needs the scan.
    return groupExists(this.pgid) && groupHasMembers(readProcTable(SNAPSHOT_MS), this.pgid);
  }

  /** Signal the whole group, identity checked right before; false when nothing of ours was signalled. */
  signal(signal: NodeJS.Signals): boolean {
    // Until Node reaps the leader, its pid (and so the group number) is held by it, alive or a
    // zombie: the kernel hands out no number still in use as a pid or a group, and reaping
    // happens only on Node's event loop, never between this check and the kill. No /proc read:
    // reading one here made the SIGCONT after a stop signal (the leader a zombie by then) scan
    // all of /proc for each of 200 stops.
    if (!this.leaderReaped()) return signalGroup(this.pgid, signal);
    return this.hasLiveMembers() && signalGroup(this.pgid, signal);
  }

  /** Signal the leader alone, identity checked right before (not reaped: the pid is still ours); false when it is gone. */
  signalLeader(signal: NodeJS.Signals): boolean {
    return !this.leaderReaped() && signalProcess(this.pgid, signal);
  }
}
