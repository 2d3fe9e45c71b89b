import { ProcessPilot, withDependencies, type Manifest } from '../index.js';
import { EXIT, signalExitCode } from './exit-codes.js';
import { tapRunEvents } from './run-events.js';
import { finishedOutcome, outcomeOf, type RunOutcome } from './run-outcome.js';
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

  constructor(private readonly options: SessionOptions) {
    const { manifest, output } = options;
    this.output = output;
    this.pilot = new ProcessPilot(manifest, {
      only: options.only,
      handleSignals: false,
      reportError: (error) => output.event({ event: 'plugin-error', message: error.message }),
    });
    this.selected = withDependencies(manifest.processes, options.only ?? manifest.processes.map((spec) => spec.name));
    tapRunEvents(this.pilot, output);
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
      if (startError === undefined) {
        this.superviseAfterStart();
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
    const outcome = outcomeOf(this.pilot, this.requested, startError);
    if (startError !== undefined && this.pilot.lastStop?.reason === 'start_failed') {
      const error = startError as { message?: string; code?: string; process?: string };
      const message = error.message ?? String(startError);
      this.output.event({ event: 'error', message, code: error.code, process: error.process });
      process.stderr.write(`error: ${message}\n`);
    }
    this.output.event({ event: 'exit', code: outcome.code, reason: outcome.reason });
    this.output.close();
    return outcome.code;
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
    if (!this.pilot.lastStop) return this.stopWith({ code: EXIT.ok, reason: `received ${signal}` });
    this.output.event({ event: 'stop-all', reason: `received ${signal} while already stopping; send it again to kill every process at once` });
  }

  private killNow(signal: StopSignal): never {
    this.output.event({ event: 'kill-all', reason: `received ${signal} again` });
    this.output.close();
    // Exiting runs the engine's exit guard: it SIGKILLs synchronously every tree it still tracks:
    // groups, descendants found by a ppid walk, and the descendants in-flight stops recorded.
    process.exit(signalExitCode(signal));
  }
}
