import { ProcessPilot, withDependencies, type ExitInfo, type Manifest } from '../index.js';
import { EXIT, signalExitCode } from './exit-codes.js';
import { COMMAND_NAME, COMMAND_NOT_STARTED, CommandRun, type CommandSpec } from './run-command.js';
import { tapRunEvents, type RunEvent } from './run-events.js';
import { commandOutcome, finishedOutcome, outcomeOf, startFailure, type RunOutcome } from './run-outcome.js';
import type { RunOutput } from './run-output.js';
import { onStopSignals, type StopSignal } from './run-signals.js';

/** What one `pilot run` supervises and how. */
export interface SessionOptions {
  manifest: Manifest;
  output: RunOutput;
  /** Only these processes and their dependencies. */
  only?: string[];
  /** Stop gracefully this many seconds after everything is ready. */
  stopAfterSeconds?: number;
  /** `pilot run -- <command...>`: run it once everything is ready, then stop everything and exit with its code. */
  command?: Omit<CommandSpec, 'stopTimeoutMs'>;
  /** Also print a start-up error on stderr (when stdout is for machines: `--output json`). */
  errorsOnStderr?: boolean;
}

/**
 * Start the manifest, report everything to the output, and stop on a signal, after
 * `--stop-after`, when every process has finished, or by `shutdown_everything`. Resolves with
 * the exit code once everything is stopped. A second signal kills every tree and exits at once.
 */
export function runSession(options: SessionOptions): Promise<number> {
  return new RunSession(options).run();
}

class RunSession {
  private readonly pilot: ProcessPilot;
  private readonly output: RunOutput;
  /** The processes this run starts: `--only` and their dependencies, in manifest order. */
  private readonly selected: string[];
  /** Why the CLI itself asked the pilot to stop, if it did. */
  private requested: RunOutcome | undefined;
  private stopTimer: NodeJS.Timeout | undefined;
  /** True until `start()` settled: a process failing then fails the start, whose error says why. */
  private starting = true;
  private command: CommandRun | undefined;
  /** How the command ended, once it has. */
  private commandExit: ExitInfo | undefined;
  /** The signal that stopped the run, passed on to the command. */
  private signalled: StopSignal | undefined;

  constructor(private readonly options: SessionOptions) {
    const { manifest, output } = options;
    this.output = output;
    this.pilot = new ProcessPilot(manifest, {
      only: options.only,
      handleSignals: false,
      reportError: (error) => output.event({ event: 'plugin-error', message: error.message }),
    });
    this.selected = withDependencies(manifest.processes, options.only ?? manifest.processes.map((spec) => spec.name));
    // A process failing during start-up fails the start: its reason is printed once, with the start-up error.
    tapRunEvents(this.pilot, { lines: (process, batch) => output.lines(process, batch), event: (event) => output.event(this.marked(event)) });
  }

  private marked(event: RunEvent): RunEvent {
    return event.event === 'failed' && this.starting ? { ...event, startup: true } : event;
  }

  async run(): Promise<number> {
    // Configuration and plugin errors surface here, before anything starts or any signal is caught.
    await this.pilot.initialize();
    const releaseSignals = onStopSignals(
      (signal) => this.onFirstSignal(signal),
      (signal) => this.killNow(signal),
    );
    try {
      const stopped = this.pilot.whenStopped();
      const startError = await this.start();
      this.starting = false;
      if (startError === undefined) {
        if (this.options.command) await this.runCommand(this.options.command);
        else this.superviseAfterStart();
        await stopped;
      }
      return this.finish(startError);
    } finally {
      clearTimeout(this.stopTimer);
      releaseSignals();
    }
  }

  /** Start everything; resolves with the start-up error, if any (the pilot has then stopped). */
  private async start(): Promise<unknown> {
    this.output.event({ event: 'starting', manifest: this.options.manifest.source ?? 'manifest', processes: this.selected });
    // Once per run: which containment guards the processes (docs/architecture.md says what each guarantees).
    this.output.event({ event: 'containment', description: this.pilot.executor.describe() });
    const startedAt = performance.now();
    try {
      await this.pilot.start();
    } catch (error) {
      return error;
    }
    this.output.event({ event: 'all-ready', processes: this.selected, durationMs: Math.round(performance.now() - startedAt) });
    return undefined;
  }

  /**
   * Spawn the command through the pilot's executor; when it ends, stop everything with its exit
   * code. Any stop (a signal, shutdown_everything) stops the command first, before the processes
   * it tests, with the signal received or SIGTERM, bounded by kill_timeout.
   */
  private async runCommand(spec: Omit<CommandSpec, 'stopTimeoutMs'>): Promise<void> {
    let command: CommandRun;
    try {
      command = await CommandRun.spawn(this.pilot.executor, { ...spec, stopTimeoutMs: this.options.manifest.kill_timeout * 1000 }, (batch) => this.output.lines(COMMAND_NAME, batch));
    } catch (error) {
      this.reportError(error);
      return this.stopWith({ code: COMMAND_NOT_STARTED, reason: 'the command could not be started' });
    }
    this.command = command;
    this.output.event({ event: 'spawned', process: COMMAND_NAME, pid: command.pid, readiness: null });
    this.pilot.hooks.beforeStop.tapPromise('pilot-cli-command', () => command.stop(this.signalled).then(() => undefined));
    // A stop that began while the command was being spawned did not see the tap above.
    if (this.pilot.lastStop) void command.stop(this.signalled);
    const exit = await command.ended;
    this.commandExit = exit;
    this.output.event({ event: 'exited', process: COMMAND_NAME, code: exit.code, signal: exit.signal, requested: false });
    this.stopWith(commandOutcome(exit));
  }

  /** Arm `--stop-after` and stop once every process has ended by itself. */
  private superviseAfterStart(): void {
    const seconds = this.options.stopAfterSeconds;
    if (seconds !== undefined) this.stopTimer = setTimeout(() => this.stopWith({ code: EXIT.ok, reason: `--stop-after ${seconds} s elapsed` }), seconds * 1000);
    const checkFinished = () => {
      const outcome = finishedOutcome(this.selected.map((name) => this.pilot.getRunningProcess(name)!));
      if (outcome) this.stopWith(outcome);
    };
    // Deferred so that a shutdown_everything exit, decided right after the state change, wins.
    this.pilot.hooks.stateChange.tap('pilot-cli', () => void setImmediate(checkFinished));
    checkFinished();
  }

  /** Report how the run ended and return its exit code. */
  private finish(startError: unknown): number {
    let outcome = outcomeOf(this.pilot, this.requested, startError);
    if (startError !== undefined && this.pilot.lastStop?.reason === 'start_failed') {
      this.reportError(startError);
      outcome = startFailure(startError);
    }
    if (this.options.command && startError === undefined) outcome = this.commandResult(outcome);
    this.output.event({ event: 'exit', code: outcome.code, reason: outcome.reason });
    this.output.close();
    return outcome.code;
  }

  /**
   * With a command, the run's code is the command's when it ended by itself or by the signal we
   * passed on; any other stop (shutdown_everything, the pilot failing) is never a success.
   */
  private commandResult(outcome: RunOutcome): RunOutcome {
    const own = this.pilot.lastStop?.reason !== 'shutdown_everything';
    if (own && this.commandExit) return this.signalled ? { ...commandOutcome(this.commandExit), reason: `received ${this.signalled}; ${commandOutcome(this.commandExit).reason}` } : outcome;
    if (own && this.signalled) return { code: signalExitCode(this.signalled), reason: `received ${this.signalled} before the command ran` };
    return outcome.code === 0 ? { code: EXIT.failure, reason: `${outcome.reason}; the command was stopped before it finished` } : outcome;
  }

  /** The error that ended the run, printed once: as an event (with its last output lines) and, for JSON output, on stderr. */
  private reportError(error: unknown): void {
    const { message, code, process: name } = error as { message?: string; code?: string; process?: string };
    const text = message ?? String(error);
    this.output.event({ event: 'error', message: text, code, process: name });
    if (this.options.errorsOnStderr) process.stderr.write(`error: ${text}\n`);
  }

  /** Stop everything once, remembering why (the first reason wins). */
  private stopWith(outcome: RunOutcome): void {
    if (this.requested || this.pilot.lastStop) return;
    this.requested = outcome;
    clearTimeout(this.stopTimer);
    this.output.event({ event: 'stop-all', reason: outcome.reason });
    void this.pilot.stop();
  }

  private onFirstSignal(signal: StopSignal): void {
    this.signalled ??= signal;
    if (!this.pilot.lastStop) return this.stopWith({ code: EXIT.ok, reason: `received ${signal}` });
    this.output.event({ event: 'stop-all', reason: `received ${signal} while already stopping; send it again to kill every process at once` });
  }

  private killNow(signal: StopSignal): never {
    this.output.event({ event: 'kill-all', reason: `received ${signal} again` });
    this.command?.killNow();
    this.output.close();
    // Exiting runs the engine's exit guard: it SIGKILLs synchronously every tree it still tracks:
    // groups, descendants found by a ppid walk, and the descendants in-flight stops recorded.
    process.exit(signalExitCode(signal));
  }
}
