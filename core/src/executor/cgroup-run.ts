import { watch, readFileSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Cgroup } from '../process/cgroup.js';
import { guardOnExit, releaseOnExit } from '../process/exit-guard.js';
import { readProcEntry } from '../process/proc-table.js';
import { signalProcess } from '../process/signals.js';
import type { SpawnedChild } from '../process/spawn-child.js';
import type { CgroupParent } from './cgroup-parent.js';
import type { ExecutorRun, RunRecord, StopOutcome, StopRequest, UsageSample } from './executor.js';

const KILL_WAIT_MS = 2000;
/** The launcher joins within a millisecond or two; this only bounds a machine that is stalled. */
const JOIN_WAIT_MS = 10_000;

/**
 * One local run in a cgroup of its own: every descendant is in it whatever it does (setsid,
 * double fork), SIGKILL goes through cgroup.kill (no pid involved), and the stats are the
 * cgroup's (cpu.stat counts processes that already exited, so a multi-process server is counted
 * once and exactly).
 */
export class CgroupRun implements ExecutorRun {
  readonly host = 'localhost';
  private readonly startTime: string | undefined;
  private readonly spawnedAt = performance.now();
  private released = false;
  /** Set once the cgroup was seen empty after the main process exited (see empty()). */
  private emptySeen = false;

  constructor(
    private readonly child: SpawnedChild,
    private readonly cgroup: Cgroup,
    private readonly parent: CgroupParent,
  ) {
    this.startTime = readProcEntry(child.pid)?.startTime;
    guardOnExit(this);
  }

  /**
   * Resolves once the launcher has moved the child into its cgroup (or the child ended): until
   * then a stop or a kill through the cgroup would miss it. Spawn waits for this.
   */
  async joined(): Promise<void> {
    // Not written from here: a move into a cgroup costs ~0.45 ms of the pilot's main thread
    // (measured: 200 writes 80-100 ms), while the launcher's own join runs on another core and
    // these waits overlap the next spawns (bench/analysis.md, "Containment").
    await this.waitUntil(() => this.cgroup.populated() || !this.mainAlive(), performance.now() + JOIN_WAIT_MS);
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
    if (scope === 'main') return this.signalMain(signal);
    return this.signalAll(signal);
  }

  async stop(request: StopRequest): Promise<StopOutcome> {
    try {
      const outcome = await this.stopPerMode(request);
      // The cgroup empties when the main process exits, before Node reaped it: state follows 'exit'.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.child.exited, new Promise((resolve) => (timer = setTimeout(resolve, KILL_WAIT_MS)))]);
      clearTimeout(timer);
      return outcome;
    } finally {
      await this.release();
    }
  }

  async reap(request: StopRequest): Promise<void> {
    try {
      if (!this.empty()) await this.stopPerMode({ ...request, killMode: 'control-group' });
    } finally {
      await this.release();
    }
  }

  killNow(): void {
    if (!this.released) this.cgroup.kill();
  }

  sample(): UsageSample | undefined {
    const pids = this.cgroup.allProcs();
    const cpuSeconds = this.cgroup.cpuSeconds();
    if (pids.length === 0 || cpuSeconds === undefined) return undefined;
    const memory = this.cgroup.memoryCurrent() ?? pids.reduce((sum, pid) => sum + residentBytes(pid), 0);
    return { cpuSeconds, memory, processes: pids.length, ageSeconds: (performance.now() - this.spawnedAt) / 1000 };
  }

  record(): RunRecord {
    return { executor: 'local', host: this.host, pid: this.pid, startTime: this.startTime, containment: `cgroup:${this.cgroup.path}` };
  }

  /**
   * control-group: every process gets the stop signal; mixed and process: the main one only.
   * Once the main process is gone, mixed kills the rest at once, process sends it the stop
   * signal; at the timeout whatever is left is killed through cgroup.kill.
   */
  private async stopPerMode(request: StopRequest): Promise<StopOutcome> {
    const signals: NodeJS.Signals[] = request.signal === 'SIGCONT' ? [request.signal] : [request.signal, 'SIGCONT'];
    const mainGone = () => !this.mainAlive();
    if (request.killMode === 'control-group') this.signalAll(...signals);
    else for (const signal of signals) this.signalMain(signal);
    const deadline = performance.now() + request.timeoutMs;
    // Whatever the mode, the cgroup cannot empty before the main process exits: wait for its
    // 'exit' first, without an inotify watch (200 stops made 200 watches).
    await this.mainExit(deadline);
    if (request.killMode === 'process' && mainGone()) this.signalAll(...signals);
    if (request.killMode !== 'mixed') await this.waitUntil(() => this.empty(), deadline);
    if (this.empty()) return { forced: false };
    const atDeadline = performance.now() >= deadline;
    this.cgroup.kill();
    await this.waitUntil(() => this.empty(), performance.now() + KILL_WAIT_MS);
    return { forced: atDeadline };
  }

  /**
   * True until Node has reaped the main process: until then its pid is ours (alive or a zombie),
   * which is the identity check a signal needs; reaping happens only on the event loop.
   */
  private mainAlive(): boolean {
    const { child } = this.child;
    return child.exitCode === null && child.signalCode === null;
  }

  /**
   * True when no process is left in the cgroup. Read from cgroup.events until it was seen empty
   * after the main process exited: only the launcher (the main process, before its exec) ever
   * joins, so from then on it stays empty (a stop read it three times per run).
   */
  private empty(): boolean {
    if (this.emptySeen) return true;
    const empty = !this.cgroup.populated();
    if (empty && !this.mainAlive()) this.emptySeen = true;
    return empty;
  }

  /** Wait for the main process's 'exit', at most until `deadline` (performance.now()). */
  private async mainExit(deadline: number): Promise<void> {
    if (!this.mainAlive()) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.child.exited, new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - performance.now()))))]);
    clearTimeout(timer);
  }

  private signalMain(signal: NodeJS.Signals): boolean {
    return this.mainAlive() && signalProcess(this.pid, signal);
  }

  /** Send `signals` in turn to every process in the cgroup (each pid listed by the kernel as a member just before, read once for all). */
  private signalAll(...signals: NodeJS.Signals[]): boolean {
    let sent = false;
    const pids = this.cgroup.allProcs().filter((pid) => pid > 1 && pid !== process.pid);
    for (const signal of signals) for (const pid of pids) sent = signalProcess(pid, signal) || sent;
    return sent;
  }

  /**
   * Wait until `condition` holds or `deadline` (performance.now()) passes, woken by inotify on
   * cgroup.events (populated changes) and by the main process's exit, with a slow poll as a net.
   */
  private async waitUntil(condition: () => boolean, deadline: number): Promise<void> {
    if (condition()) return;
    let watcher: FSWatcher | undefined;
    let wake = () => undefined as void;
    try {
      watcher = watch(join(this.cgroup.path, 'cgroup.events'), () => wake());
      watcher.on('error', () => undefined);
    } catch {
      // No inotify on this file: the poll below still ends the wait.
    }
    const exited = this.child.exited.then(() => wake());
    try {
      while (!condition() && performance.now() < deadline) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(100, Math.max(1, deadline - performance.now())));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      watcher?.close();
      wake = () => undefined;
      void exited;
    }
  }

  /** Remove the run's cgroup once it is empty, then tell the parent. */
  private async release(): Promise<void> {
    if (this.released) return;
    if (!this.empty()) {
      this.cgroup.kill();
      await this.waitUntil(() => this.empty(), performance.now() + KILL_WAIT_MS);
    }
    this.released = true;
    releaseOnExit(this);
    this.cgroup.remove();
    this.parent.release();
  }
}

/** Resident memory of one process from /proc/<pid>/status (VmRSS, in kB; no page size needed). */
function residentBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
