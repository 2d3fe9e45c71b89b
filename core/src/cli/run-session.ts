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
export async function runSession(options: SessionOptions): Promise<number> {
  const { manifest, output } = options;
  const pilot = new ProcessPilot(manifest, {
    only: options.only,
    handleSignals: false,
    reportError: (error) => output.event({ event: 'plugin-error', message: error.message }),
  });
  const selected = withDependencies(manifest.processes, options.only ?? manifest.processes.map((spec) => spec.name));
  tapRunEvents(pilot, output);
  await pilot.initialize();

  let requested: RunOutcome | undefined;
  let stopTimer: NodeJS.Timeout | undefined;
  const stopWith = (outcome: RunOutcome) => {
    if (requested || pilot.lastStop) return;
    requested = outcome;
    clearTimeout(stopTimer);
    output.event({ event: 'stop-all', reason: outcome.reason });
    void pilot.stop();
  };
  const killNow = (signal: StopSignal) => {
    output.event({ event: 'kill-all', reason: `received ${signal} again` });
    output.close();
    // Exiting runs the engine's exit guard: it SIGKILLs every tree it still tracks (group and
    // descendants) synchronously. Crashing main pids first would orphan their descendants.
    process.exit(signalExitCode(signal));
  };
  const releaseSignals = onStopSignals((signal) => {
    if (pilot.lastStop) output.event({ event: 'stop-all', reason: `received ${signal} while already stopping; send it again to kill every process at once` });
    else stopWith({ code: EXIT.ok, reason: `received ${signal}` });
  }, killNow);

  const stopped = pilot.whenStopped();
  output.event({ event: 'starting', manifest: manifest.source ?? 'manifest', processes: selected });
  const startedAt = performance.now();
  let startError: unknown;
  try {
    await pilot.start();
  } catch (error) {
    startError = error;
  }
  if (startError === undefined) {
    output.event({ event: 'all-ready', processes: selected, durationMs: Math.round(performance.now() - startedAt) });
    if (options.stopAfterSeconds !== undefined) {
      const seconds = options.stopAfterSeconds;
      stopTimer = setTimeout(() => stopWith({ code: EXIT.ok, reason: `--stop-after ${seconds} s elapsed` }), seconds * 1000);
    }
    const checkFinished = () => {
      const outcome = finishedOutcome(selected.map((name) => pilot.getRunningProcess(name)!));
      if (outcome) stopWith(outcome);
    };
    // Deferred so that a shutdown_everything exit, decided right after the state change, wins.
    pilot.hooks.stateChange.tap('pilot-cli', () => void setImmediate(checkFinished));
    checkFinished();
    await stopped;
  }
  clearTimeout(stopTimer);
  releaseSignals();

  const outcome = outcomeOf(pilot, requested, startError);
  if (startError !== undefined && pilot.lastStop?.reason === 'start_failed') {
    const error = startError as { message?: string; code?: string; process?: string };
    output.event({ event: 'error', message: error.message ?? String(startError), code: error.code, process: error.process });
    process.stderr.write(`error: ${error.message ?? String(startError)}\n`);
  }
  output.event({ event: 'exit', code: outcome.code, reason: outcome.reason });
  output.close();
  return outcome.code;
}
