import type { LogLine } from '../process/output.js';
import { readProcEntry } from '../process/proc-table.js';
import { signalGroup, signalProcess } from '../process/signals.js';
import { spawnChild, type SpawnedChild, type SpawnRequest } from '../process/spawn-child.js';
import { reapGroup, stopTree } from '../process/stop-tree.js';
import { killGroupNow, rememberDescendants, trackGroup, untrackGroup } from '../process/exit-guard.js';
import type { Executor, ExecutorRun, RunRecord, StopOutcome, StopRequest, UsageSample } from './executor.js';

/**
 * Runs processes on this machine, each the leader of its own process group, watched by the
 * lifeline so that nothing outlives the pilot.
 */
export class LocalExecutor implements Executor {
  readonly name = 'local';

  describe(): string {
    return 'process groups (each process leads its own group; a lifeline kills them if the pilot dies)';
  }

  async spawn(name: string, request: SpawnRequest, onLine: (line: LogLine) => void): Promise<ExecutorRun> {
    const child = await spawnChild(name, request, onLine);
    trackGroup(child.pid);
    return new LocalRun(child);
  }
}

/** One local run: a group leader we spawned, and its tree. */
class LocalRun implements ExecutorRun {
  readonly host = 'localhost';
  private readonly startTime: string | undefined;
  private leaderGone = false;

  constructor(private readonly child: SpawnedChild) {
    this.startTime = readProcEntry(child.pid)?.startTime;
    void child.exited.then(() => (this.leaderGone = true));
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
    // Until 'exit' has been emitted Node has not reaped the leader, so its pid cannot be reused.
    if (this.leaderGone) return false;
    return scope === 'main' ? signalProcess(this.pid, signal) : signalGroup(this.pid, signal);
  }

  async stop(request: StopRequest): Promise<StopOutcome> {
    const pgid = this.pid;
    try {
      return await stopTree(pgid, {
        signal: request.signal,
        timeoutMs: request.timeoutMs,
        leaderExited: this.child.exited,
        onTracked: (tracked) => rememberDescendants(pgid, tracked),
      });
    } finally {
      untrackGroup(pgid);
    }
  }

  async reap(request: StopRequest): Promise<void> {
    const pgid = this.pid;
    try {
      await reapGroup(pgid, request.signal, request.timeoutMs);
    } finally {
      untrackGroup(pgid);
    }
  }

  killNow(): void {
    killGroupNow(this.pid);
  }

  sample(): UsageSample | undefined {
    return undefined;
  }

  record(): RunRecord {
    return { executor: 'local', host: this.host, pid: this.pid, startTime: this.startTime, containment: `group:${this.pid}` };
  }
}
