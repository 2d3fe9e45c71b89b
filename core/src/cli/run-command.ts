import { PilotError, type Executor, type ExecutorRun, type ExitInfo, type LineBatch, type LogLine, type StopRequest } from '../index.js';
import { findExecutable } from '../manifest/executable.js';

/** The name the command's output and events carry (`cmd | ...`). */
export const COMMAND_NAME = 'cmd';

/** What `pilot run -- <command...>` runs and where. */
export interface CommandSpec {
  /** The command and its arguments, passed as argv (no shell: write `sh -c '...'` for one). */
  argv: readonly string[];
  /** The directory `pilot run` was invoked in. */
  cwd: string;
  /** The pilot's own environment, unchanged. */
  env: NodeJS.ProcessEnv;
  /** Bound on a graceful stop of the command before SIGKILL (the manifest's kill_timeout). */
  stopTimeoutMs: number;
}

/** `pilot run`'s exit code when the command could not be started (not found, not executable), as in a shell. */
export const COMMAND_NOT_STARTED = 127;

/** Milliseconds to wait for the last output of a command whose tree is gone (a stray holder of the pipe). */
const OUTPUT_GRACE_MS = 1000;

/**
 * The command of `pilot run -- <command...>`: spawned through the pilot's own executor, so it
 * gets the same containment (cgroup or process group) and the same lifeline as the processes,
 * and never outlives the pilot, even a SIGKILLed one.
 */
export class CommandRun {
  /** Resolves once the command exited, its leftovers were reaped and its output was read. */
  readonly ended: Promise<ExitInfo>;
  private stopping: Promise<unknown> | undefined;
  private hasExited = false;

  private constructor(
    private readonly run: ExecutorRun,
    private readonly stopTimeoutMs: number,
  ) {
    this.ended = this.settle();
  }

  /** Resolve the executable on the pilot's PATH and spawn it; rejects with PILOT_EXECUTABLE_NOT_FOUND or the executor's error. */
  static async spawn(executor: Executor, spec: CommandSpec, onBatch: (batch: LineBatch) => void): Promise<CommandRun> {
    const [command = '', ...args] = spec.argv;
    const found = findExecutable(command, spec.cwd, spec.env.PATH);
    if ('error' in found) throw new PilotError('PILOT_EXECUTABLE_NOT_FOUND', `the command after --: ${found.error}`);
    const env = Object.fromEntries(Object.entries(spec.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
    // Batches where the executor gives them (one call per chunk), single lines otherwise.
    const onLine = Object.assign((line: LogLine) => onBatch({ stream: line.stream, time: line.time, lines: [line.text], count: 1 }), { batch: onBatch });
    const run = await executor.spawn(COMMAND_NAME, { command: found.path, args, cwd: spec.cwd, env, shell: false, affinity: undefined }, onLine);
    return new CommandRun(run, spec.stopTimeoutMs);
  }

  get pid(): number {
    return this.run.pid;
  }

  /**
   * Stop the command's whole tree: `signal` (what the pilot received, or SIGTERM), SIGCONT, then
   * SIGKILL after the stop timeout. Idempotent; resolves once it has ended.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitInfo> {
    // Once the main process has exited, `settle` reaps what is left: stopping it again is not needed.
    if (!this.hasExited) this.stopping ??= this.run.stop(this.request(signal)).catch(() => this.run.killNow());
    return this.ended;
  }

  /** SIGKILL the command's tree now (a second Ctrl-C). */
  killNow(): void {
    this.run.killNow();
  }

  private request(signal: NodeJS.Signals): StopRequest {
    return { signal, timeoutMs: this.stopTimeoutMs, killMode: 'control-group' };
  }

  private async settle(): Promise<ExitInfo> {
    const exit = await this.run.exited;
    this.hasExited = true;
    // What the command left running (a server it forked) goes with it, as with any process.
    await (this.stopping ?? this.run.reap(this.request('SIGTERM')).catch(() => this.run.killNow()));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.run.outputDone, new Promise((resolve) => (timer = setTimeout(resolve, OUTPUT_GRACE_MS)))]);
    clearTimeout(timer);
    return exit;
  }
}
