import { guardOnExit, releaseOnExit } from '../process/exit-guard.js';
import { holdOnLifeline, releaseFromLifeline, type LifelineEntry } from '../process/lifeline.js';
import { OwnGroup } from '../process/own-group.js';
import { descendantsOf, readProcEntry, type ProcEntry } from '../process/proc-table.js';
import { signalProcess } from '../process/signals.js';
import type { SpawnedChild } from '../process/spawn-child.js';
import { killTreeNow, stopTree, TrackedDescendants } from '../process/stop-tree.js';
import { sampleTree } from '../process/tree-usage.js';
import type { ExecutorRun, RunRecord, StopOutcome, StopRequest, UsageSample } from './executor.js';

/**
 * One local run contained by its process group (the fallback where no cgroup can be made): the
 * leader we spawned detached, its group, and the descendants recorded by walks. Every signal is
 * identity-checked (see {@link OwnGroup}); groups of descendants found outside ours (setsid) are
 * handed to the lifeline while a stop is in flight.
 */
export class GroupRun implements ExecutorRun {
  readonly host = 'localhost';
  private readonly group: OwnGroup;
  private readonly tracked: TrackedDescendants;
  private readonly lifelineEntries: LifelineEntry[] = [];
  private released = false;

  private constructor(private readonly child: SpawnedChild) {
    // Node sets exitCode/signalCode when it reaps the child, before any 'exit' listener runs.
    const reaped = () => child.child.exitCode !== null || child.child.signalCode !== null;
    this.group = new OwnGroup(child.pid, readProcEntry(child.pid)?.startTime, reaped);
    this.tracked = new TrackedDescendants((entries) => this.holdForeignGroups(entries));
  }

  /** Wrap a spawned child; resolves once the lifeline has its group (a SIGKILLed pilot then leaves nothing unknown). */
  static async contain(child: SpawnedChild): Promise<GroupRun> {
    const run = new GroupRun(child);
    guardOnExit(run);
    await run.hold({ kind: 'group', pgid: child.pid, startTime: run.group.leaderStartTime });
    return run;
  }

  get pid(): number {
    return this.child.pid;
  }

  get exited() {
    return this.child.exited;
  }

  get outputDone() {
    return this.child.outputDone;
  }

  signal(signal: NodeJS.Signals, scope: 'main' | 'tree'): boolean {
    if (scope === 'main') return this.group.signalLeader(signal);
    if (this.group.leaderAlive()) this.tracked.add(descendantsOf(this.pid));
    let sent = this.group.signal(signal);
    for (const entry of this.tracked.alive()) if (entry.pgid !== this.group.pgid) sent = signalProcess(entry.pid, signal) || sent;
    return sent;
  }

  async stop(request: StopRequest): Promise<StopOutcome> {
    try {
      return await stopTree(this.group, { ...request, leaderExited: this.child.exited, tracked: this.tracked });
    } finally {
      this.release();
    }
  }

  async reap(request: StopRequest): Promise<void> {
    try {
      if (this.tracked.alive().length > 0 || this.group.hasLiveMembers()) {
        await stopTree(this.group, { ...request, killMode: 'control-group', leaderExited: this.child.exited, tracked: this.tracked });
      }
    } finally {
      this.release();
    }
  }

  killNow(): void {
    killTreeNow(this.group, this.tracked);
  }

  sample(): UsageSample | undefined {
    return this.group.leaderAlive() ? sampleTree(this.pid) : undefined;
  }

  record(): RunRecord {
    return { executor: 'local', host: this.host, pid: this.pid, startTime: this.group.leaderStartTime, containment: `group:${this.pid}` };
  }

  /** Descendants that left our group (setsid) lead groups the lifeline must know of until the stop ends. */
  private holdForeignGroups(entries: readonly ProcEntry[]): void {
    const known = new Set(this.lifelineEntries.map((entry) => (entry.kind === 'group' ? entry.pgid : 0)));
    for (const entry of entries) {
      if (entry.pgid === this.group.pgid || known.has(entry.pgid) || this.released) continue;
      known.add(entry.pgid);
      const leader = entry.pgid === entry.pid ? entry : readProcEntry(entry.pgid);
      void this.hold({ kind: 'group', pgid: entry.pgid, startTime: leader?.startTime });
    }
  }

  private hold(entry: LifelineEntry): Promise<void> {
    this.lifelineEntries.push(entry);
    return holdOnLifeline(entry);
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    releaseOnExit(this);
    for (const entry of this.lifelineEntries.splice(0)) releaseFromLifeline(entry);
  }
}
