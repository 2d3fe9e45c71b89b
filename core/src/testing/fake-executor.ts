import type { Executor, ExecutorRun, RunRecord, StopOutcome, StopRequest, UsageSample } from '../executor/executor.js';
import type { LogLine, OutputStream } from '../process/output.js';
import type { SpawnRequest } from '../process/spawn-child.js';
import type { ExitInfo } from '../process/state.js';

/** How a fake run answers its stop signal. */
export type StopBehaviour = 'exits' | 'ignores';

/**
 * An executor without processes, for tests of orchestration: every spawn is an in-memory
 * {@link FakeRun} whose output and exit the test controls, so the state machine, restart policy
 * and ordering can be tested in milliseconds, deterministically. Never instead of the
 * real-process tests: it knows nothing of signals, pipes or the kernel.
 *
 * @example
 * ```ts
 * const executor = new FakeExecutor();
 * const pilot = new ProcessPilot(manifest, { executor }); // named `local`: every process runs on it
 * await pilot.start();
 * executor.latest('api')!.exit(1); // a crash: the restart policy applies
 * ```
 */
export class FakeExecutor implements Executor {
  /** @param name the executor it stands in for: `local` (every process of a default manifest) unless given. */
  constructor(readonly name = 'local') {}

  /** Every run ever spawned, oldest first. */
  readonly runs: FakeRun[] = [];
  /** Called with each new run before `spawn` resolves: script its behaviour here. */
  onSpawn: ((run: FakeRun) => void) | undefined;
  /** Make the next spawn of `name` fail with this error. */
  readonly failNextSpawn = new Map<string, Error>();
  private nextPid = 10_000;

  describe(): string {
    return 'fake executor (in memory, no processes)';
  }

  async spawn(name: string, request: SpawnRequest, onLine: (line: LogLine) => void, options: unknown = {}): Promise<ExecutorRun> {
    const failure = this.failNextSpawn.get(name);
    if (failure) {
      this.failNextSpawn.delete(name);
      throw failure;
    }
    const run = new FakeRun(name, this.nextPid++, request, onLine, options);
    this.runs.push(run);
    this.onSpawn?.(run);
    return run;
  }

  /** The newest run of `name`. */
  latest(name: string): FakeRun | undefined {
    return this.runs.filter((run) => run.name === name).at(-1);
  }

  /** Runs that have not exited. */
  alive(): FakeRun[] {
    return this.runs.filter((run) => run.alive);
  }
}

/** One in-memory run: it lives until the test (or a stop) makes it exit. */
export class FakeRun implements ExecutorRun {
  readonly host = 'fake';
  readonly exited: Promise<ExitInfo>;
  readonly outputDone: Promise<void>;
  alive = true;
  /** What a stop does: exit on the stop signal (default), or ignore it until SIGKILL at the timeout. */
  stopBehaviour: StopBehaviour = 'exits';
  /** Every signal the engine sent, in order. */
  readonly signals: NodeJS.Signals[] = [];
  private resolveExit!: (exit: ExitInfo) => void;
  private timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly name: string,
    readonly pid: number,
    readonly request: SpawnRequest,
    private readonly onLine: (line: LogLine) => void,
    /** The process's validated executor options from the manifest. */
    readonly options: unknown = {},
  ) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    this.outputDone = this.exited.then(() => undefined);
  }

  /** Print a line as the process would. */
  print(text: string, stream: OutputStream = 'stdout'): void {
    if (this.alive) this.onLine({ stream, text, time: Date.now() });
  }

  /** End the run (a crash, a clean exit, a death by signal). Later calls do nothing. */
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    if (!this.alive) return;
    this.alive = false;
    for (const timer of this.timers) clearTimeout(timer);
    this.resolveExit({ code, signal });
  }

  signal(signal: NodeJS.Signals): boolean {
    if (!this.alive) return false;
    this.signals.push(signal);
    if (signal === 'SIGKILL') this.exit(null, 'SIGKILL');
    return true;
  }

  async stop(request: StopRequest): Promise<StopOutcome> {
    if (!this.alive) return { forced: false };
    this.signals.push(request.signal);
    if (this.stopBehaviour === 'exits') {
      this.exit(null, request.signal);
      return { forced: false };
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, request.timeoutMs);
      this.timers.add(timer);
      void this.exited.then(() => resolve());
    });
    const forced = this.alive;
    this.signal('SIGKILL');
    return { forced };
  }

  async reap(): Promise<void> {
    // A fake run has no tree: nothing outlives its main process.
  }

  killNow(): void {
    this.signal('SIGKILL');
  }

  sample(): UsageSample | undefined {
    return this.alive ? { cpuSeconds: 0, memory: 0, processes: 1 } : undefined;
  }

  record(): RunRecord {
    return { executor: 'fake', host: this.host, pid: this.pid, startTime: undefined, containment: `fake:${this.pid}` };
  }
}
