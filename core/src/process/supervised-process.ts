import { PilotError } from '../errors.js';
import type { ProcessSpec } from '../manifest/schema.js';
import { awaitReady } from './await-ready.js';
import { beginReadiness, readinessContext, type ReadinessBinding, type ReadinessHandle, type Run } from './run.js';

export type { ReadinessBinding };

import { lineSink, type LineBatch, type LogLine } from './output.js';
import { LogBuffer } from './log-buffer.js';
import { lastLines } from './last-lines.js';
import { RestartPolicy } from './restart-policy.js';
import type { SpawnRequest } from './spawn-child.js';
import { ACTIVE_STATES, type ExitInfo, type LastExit, type ProcessInfo, type ProcessRef, type ProcessState } from './state.js';
import type { Executor, StopRequest, UsageSample } from '../executor/executor.js';

/** Abort reasons of a readiness session that never got to wait (one shared value each, not an Error per spawn). */
const SPAWN_FAILED = new PilotError('PILOT_STOPPED', 'readiness wait ended: the spawn failed');
const STOPPED_BEFORE_READY = new PilotError('PILOT_STOPPED', 'readiness wait ended: stopped before the wait began');

/** What a supervised process tells its owner; the pilot turns these into hooks. */
export interface ProcessHost {
  beforeSpawn(process: SupervisedProcess, request: SpawnRequest): Promise<SpawnRequest>;
  spawned(process: SupervisedProcess): void;
  /** The lines of one read chunk, in order. */
  lines(process: SupervisedProcess, batch: LineBatch): void;
  ready(process: SupervisedProcess, durationMs: number): void;
  exited(process: SupervisedProcess, exit: ExitInfo, requested: boolean): void;
  /** A yes/no veto on a policy restart (undefined = follow the policy). */
  shouldRestart(process: SupervisedProcess, exit: ExitInfo): Promise<boolean | undefined>;
  restarting(process: SupervisedProcess, delayMs: number, attempt: number): void;
  stateChanged(process: SupervisedProcess, from: ProcessState, to: ProcessState): void;
  stopping(process: SupervisedProcess): void;
  stopped(process: SupervisedProcess): void;
  /** A `shutdown_everything` process exited: the owner stops everything once. */
  shutdownEverything(process: SupervisedProcess, exit: ExitInfo): void;
}


/**
 * One process from the manifest under supervision: spawn, readiness, exit policy with backoff,
 * stop of its whole tree. Knows nothing of plugins: readiness is bound in, events go to a host.
 */
export class SupervisedProcess {
  readonly logs: LogBuffer;
  private state: ProcessState = 'stopped';
  private run: Run | undefined;
  private readonly policy: RestartPolicy;
  private generation = 0;
  private cancelRestart: (() => void) | undefined;
  private spawning: Promise<unknown> | undefined;
  private stopping: Promise<void> | undefined;
  private reaping: Promise<void> = Promise.resolve();
  private readonly status = { returnCode: null as number | null, signal: null as NodeJS.Signals | null, restarts: 0 };
  private startedAt: number | undefined;
  private readyAt: number | undefined;
  private reason: string | undefined;
  readiness: ReadinessBinding | undefined;
  /** The validated options of the manifest's `executor` entry, given to every spawn. */
  private executorOptions: unknown = {};

  private lastExit: LastExit | undefined;
  /** True once it exited with code 0 and is not to be restarted (a one-shot, do_not_restart). */
  private completed = false;
  private readonly upWaiters = new Set<{ resolve: () => void; reject: (error: PilotError) => void }>();

  constructor(
    readonly spec: ProcessSpec,
    private readonly host: ProcessHost,
    private executor: Executor,
  ) {
    this.ref = Object.freeze({ name: spec.name, replica: 0 });
    this.logs = new LogBuffer(spec.log_lines);
    this.policy = new RestartPolicy(spec.restart_backoff, spec.max_restarts);
  }

  get name(): string {
    return this.spec.name;
  }

  /** Name and replica (one replica per manifest entry today). */
  readonly ref: ProcessRef;

  /** Pid of the live process, if any. */
  get pid(): number | undefined {
    return this.run?.alive ? this.run.handle.pid : undefined;
  }

  /** The executor the process runs on. */
  get runsOn(): Executor {
    return this.executor;
  }

  /** Run on `executor` from the next spawn on, with its validated manifest options. */
  bindExecutor(executor: Executor, options: unknown): void {
    this.executor = executor;
    this.executorOptions = options;
  }

  /** Resource use of the live run, as its executor measures it (a cgroup, a /proc walk, a remote host). */
  sample(): UsageSample | undefined {
    return this.run?.alive ? this.run.handle.sample() : undefined;
  }

  /** A snapshot for `getRunningProcess()`. */
  info(): ProcessInfo {
    return {
      name: this.name,
      ref: this.ref,
      pid: this.pid,
      status: this.state,
      returnCode: this.status.returnCode,
      signal: this.status.signal,
      restarts: this.status.restarts,
      startedAt: this.startedAt,
      readyAt: this.readyAt,
      reason: this.reason,
      lastExit: this.lastExit,
    };
  }

  /** True while a process exists or is scheduled (starting, running, stopping, restarting). */
  isActive(): boolean {
    return ACTIVE_STATES.has(this.state);
  }

  /** Spawn and wait until ready. Rejects if already active; on failure nothing of it is left. */
  async start(): Promise<void> {
    if (this.isActive()) {
      throw new PilotError('PILOT_ALREADY_RUNNING', `process "${this.name}" is already ${this.state} (pid ${this.pid ?? 'pending'}); stop it first or use restartProcesses()`, { process: this.name });
    }
    this.policy.reset();
    this.reason = undefined;
    const generation = this.generation;
    try {
      await this.launch(generation);
    } catch (error) {
      if (this.isCurrent(generation) && !(error instanceof PilotError && error.code === 'PILOT_STOPPED')) {
        this.reason = (error as Error).message;
        this.setState('failed');
      }
      throw error;
    }
  }

  /** Stop the whole tree (idempotent; safe in every state, including mid-start and mid-backoff). */
  stop(): Promise<void> {
    this.stopping ??= this.stopNow().finally(() => (this.stopping = undefined));
    return this.stopping;
  }

  /** SIGKILL the main process with no cleanup, as a crash would; the exit policy then applies. */
  crash(): void {
    const run = this.run;
    if (!run?.alive || !run.handle.signal('SIGKILL', 'main')) {
      throw new PilotError('PILOT_NOT_RUNNING', `process "${this.name}" is not running (status ${this.state})`, { process: this.name });
    }
  }

  private async stopNow(): Promise<void> {
    this.generation += 1;
    this.cancelRestart?.();
    const wasActive = this.isActive();
    if (wasActive) {
      this.setState('stopping');
      this.host.stopping(this);
    }
    await this.spawning?.catch(() => undefined);
    const run = this.run;
    if (run) {
      run.stopRequested = true;
      // Only a readiness wait still in progress needs a reason (after ready the signal is aborted).
      if (this.readiness && !run.controller.signal.aborted) run.controller.abort(new PilotError('PILOT_STOPPED', `process "${this.name}" was stopped while starting`, { process: this.name }));
      if (run.alive) await this.stopRun(run);
    }
    await this.reaping;
    if (wasActive) {
      this.setState('stopped');
      this.host.stopped(this);
    }
  }

  private async stopRun(run: Run): Promise<void> {
    await run.handle.stop(this.stopRequest());
  }

  private stopRequest(): StopRequest {
    return { signal: this.spec.stop_signal as NodeJS.Signals, timeoutMs: this.spec.timeout * 1000, killMode: this.spec.kill_mode };
  }

  /** SIGKILL the whole tree at once, no grace period (a second Ctrl-C, kill_timeout reached). */
  killNow(): void {
    const run = this.run;
    if (run && (run.alive || run.stopRequested)) run.handle.killNow();
  }

  private isCurrent(generation: number): boolean {
    return generation === this.generation;
  }

  /** Spawn once and wait for readiness; on failure the tree is stopped and the error thrown. */
  private async launch(generation: number): Promise<void> {
    this.setState('starting');
    const spawning = this.spawnOnce(generation);
    this.spawning = spawning;
    const { run, readiness } = await spawning;
    try {
      if (!this.isCurrent(generation)) throw new PilotError('PILOT_STOPPED', `process "${this.name}" was stopped while starting`, { process: this.name });
      if (readiness) {
        await awaitReady({
          process: this.name,
          strategy: this.readiness!.strategy,
          readiness,
          controller: run.controller,
          timeoutMs: this.spec.ready_timeout_sec * 1000,
          exited: run.handle.exited,
          outputDone: run.handle.outputDone,
          lastLines: () => lastLines(run.lines),
          lastReport: () => run.report,
        });
      }
    } catch (error) {
      if (run.alive && !run.stopRequested) {
        run.stopRequested = true;
        await this.stopRun(run);
      }
      throw error;
    } finally {
      // Ends a session that awaitReady never saw (stopped first); a no-op after awaitReady.
      await readiness?.end(STOPPED_BEFORE_READY).catch(() => undefined);
    }
    if (!this.isCurrent(generation)) throw new PilotError('PILOT_STOPPED', `process "${this.name}" was stopped while starting`, { process: this.name });
    this.readyAt = Date.now();
    // A restart that came up clears the failure of the attempt before it.
    this.reason = undefined;
    this.setState('running');
    this.host.ready(this, this.readyAt - (this.startedAt ?? this.readyAt));
    // A one-shot process (ready when it exits) is already gone: apply its exit now.
    if (!run.alive) void this.afterExit({ code: this.status.returnCode, signal: this.status.signal });
  }

  private async spawnOnce(generation: number): Promise<{ run: Run; readiness: ReadinessHandle | undefined }> {
    const controller = new AbortController();
    const holder: { run?: Run } = {};
    this.startedAt = Date.now();
    const context = readinessContext({
      process: this.name,
      binding: this.readiness,
      fallbackDirectory: this.spec.working_directory,
      spawnedAt: this.startedAt!,
      controller,
      holder,
      executor: this.executor,
      executorOptions: this.executorOptions,
    });
    const readiness = this.readiness && (await beginReadiness(this.name, this.readiness.strategy, context, controller));
    let run: Run;
    try {
      let request: SpawnRequest = {
        command: this.spec.path,
        args: [...this.spec.args],
        cwd: this.spec.working_directory,
        env: { ...(process.env as Record<string, string>), ...this.spec.env, ...readiness?.env },
        shell: this.spec.shell,
        affinity: this.spec.affinity ?? undefined,
      };
      request = await this.host.beforeSpawn(this, request);
      if (!this.isCurrent(generation)) throw new PilotError('PILOT_STOPPED', `process "${this.name}" was stopped before it spawned`, { process: this.name });
      run = { alive: true, stopRequested: false, lines: [], listeners: new Set(), controller, report: undefined, handle: undefined as never };
      holder.run = run;
      const current = run;
      run.handle = await this.executor.spawn(this.name, request, lineSink((batch) => this.onLines(current, batch)), this.executorOptions);
    } catch (error) {
      // Whatever failed between begin and the spawn, the session is ended (and disposed) once.
      await readiness?.end(SPAWN_FAILED).catch(() => undefined);
      throw error;
    }
    this.run = run;
    this.status.returnCode = null;
    this.status.signal = null;
    void run.handle.exited.then((exit) => this.onExit(run, exit));
    this.host.spawned(this);
    return { run, readiness };
  }

  /** Every line to the log tail, the run's first lines, its readiness listeners and the host. */
  private onLines(run: Run, batch: LineBatch): void {
    this.logs.pushBatch(batch);
    // A line object per line only while someone needs one: the run's first lines, a listener.
    if (run.lines.length < this.spec.log_lines || run.listeners.size > 0) {
      for (const text of batch.lines) {
        const line: LogLine = { stream: batch.stream, text, time: batch.time };
        if (run.lines.length < this.spec.log_lines) run.lines.push(line);
        for (const listener of run.listeners) listener(line);
      }
    }
    this.host.lines(this, batch);
  }

  private onExit(run: Run, exit: ExitInfo): void {
    run.alive = false;
    this.status.returnCode = exit.code;
    this.status.signal = exit.signal;
    this.lastExit = { code: exit.code, signal: exit.signal, time: Date.now() };
    // Grandchildren of a crashed leader would outlive it: reap what is left of its tree. (A
    // requested stop handles the whole tree itself, in stopRun.)
    if (!run.stopRequested) {
      this.reaping = this.reaping.then(() => run.handle.reap(this.stopRequest())).catch(() => undefined);
    }
    this.host.exited(this, exit, run.stopRequested);
    if (run.stopRequested || this.state !== 'running') return;
    void this.afterExit(exit);
  }

  /** The exit policy: restart with backoff, stay exited, give up, or stop everything. */
  private async afterExit(exit: ExitInfo): Promise<void> {
    const generation = this.generation;
    const uptime = Date.now() - (this.startedAt ?? Date.now());
    const oneShotDone = this.readiness?.strategy.acceptsExit === true && exit.code === 0;
    // Done for its dependents: a one-shot, or a do_not_restart process, that exited with code 0.
    this.completed = exit.code === 0 && (oneShotDone || this.spec.shutdown_strategy === 'do_not_restart');
    if (oneShotDone || this.spec.shutdown_strategy === 'do_not_restart') return this.setState('exited');
    if (this.spec.shutdown_strategy === 'shutdown_everything') {
      this.setState('exited');
      return this.host.shutdownEverything(this, exit);
    }
    const veto = await this.host.shouldRestart(this, exit);
    if (!this.isCurrent(generation)) return;
    if (veto === false) return this.setState('exited');
    const decision = this.policy.next(uptime);
    if (!decision.restart) {
      this.reason = decision.reason;
      return this.setState('failed');
    }
    this.setState('restarting');
    this.host.restarting(this, decision.delayMs, decision.attempt);
    // A zero delay restarts on the next turn of the loop, not after setTimeout's 1 ms minimum.
    if (decision.delayMs > 0) {
      const timer = setTimeout(() => void this.relaunch(generation), decision.delayMs);
      this.cancelRestart = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(() => void this.relaunch(generation));
      this.cancelRestart = () => clearImmediate(immediate);
    }
  }

  private async relaunch(generation: number): Promise<void> {
    if (!this.isCurrent(generation)) return;
    this.status.restarts += 1;
    await this.reaping;
    try {
      await this.launch(generation);
    } catch (error) {
      if (!this.isCurrent(generation)) return;
      this.reason = (error as Error).message;
      await this.afterExit({ code: this.status.returnCode, signal: this.status.signal });
    }
  }

  /** Count a requested restart (restartProcesses). */
  countRestart(): void {
    this.status.restarts += 1;
  }

  /**
   * Resolves once the process is up for its dependents: running and ready, or finished with code
   * 0 and not to be restarted (a one-shot, `do_not_restart`). Waits through a restart in progress;
   * rejects when it ends down instead (failed, stopped, or exited with another code).
   */
  whenUp(): Promise<void> {
    if (this.isUp()) return Promise.resolve();
    if (!this.isActive() || this.state === 'stopping') return Promise.reject(this.downError());
    return new Promise((resolve, reject) => this.upWaiters.add({ resolve, reject }));
  }

  private isUp(): boolean {
    return this.state === 'running' || (this.state === 'exited' && this.completed);
  }

  private downError(): PilotError {
    return new PilotError('PILOT_DEPENDENCY_FAILED', `process "${this.name}" is ${this.state}${this.reason ? `: ${this.reason}` : ''}`, { process: this.name });
  }

  private setState(next: ProcessState): void {
    const previous = this.state;
    if (previous === next) return;
    this.state = next;
    if (next === 'starting') this.completed = false;
    this.host.stateChanged(this, previous, next);
    if (this.upWaiters.size === 0) return;
    const up = this.isUp();
    if (!up && this.isActive() && next !== 'stopping') return;
    const waiters = [...this.upWaiters];
    this.upWaiters.clear();
    for (const waiter of waiters) {
      if (up) waiter.resolve();
      else waiter.reject(this.downError());
    }
  }
}
