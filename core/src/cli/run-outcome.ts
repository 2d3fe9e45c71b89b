import type { ExitInfo, ProcessInfo, ProcessPilot } from '../index.js';
import { EXIT, signalExitCode } from './exit-codes.js';

/** Why `pilot run` ends and with which exit code. */
export interface RunOutcome {
  code: number;
  reason: string;
}

/**
 * The outcome once the pilot has stopped. The first stop reason wins: a stop we asked for
 * (signal, --stop-after, every process finished) has its own code; a `shutdown_everything`
 * exit passes on that process's code (128 + n for a signal); a start-up failure is 1.
 */
export function outcomeOf(pilot: ProcessPilot, requested: RunOutcome | undefined, startError: unknown): RunOutcome {
  const last = pilot.lastStop;
  if (last?.reason === 'shutdown_everything' && last.process !== undefined) {
    const info = pilot.getRunningProcess(last.process);
    const code = last.code ?? signalExitCode(info?.signal);
    const how = last.code === null || last.code === undefined ? `was killed by ${info?.signal ?? 'a signal'}` : `exited with code ${last.code}`;
    return { code, reason: `process "${last.process}" ${how} and its shutdown_strategy is shutdown_everything` };
  }
  if (requested) return requested;
  if (startError !== undefined) return { code: EXIT.failure, reason: startError instanceof Error ? startError.message : String(startError) };
  return { code: EXIT.ok, reason: 'the pilot was stopped' };
}

const ENDED = new Set<ProcessInfo['status']>(['exited', 'failed']);

/**
 * When every selected process has ended by itself (exited and not restarted, or failed), the
 * outcome: 0 if all exited with code 0, else 1 naming the others. Undefined while any lives.
 */
export function finishedOutcome(processes: readonly ProcessInfo[]): RunOutcome | undefined {
  if (processes.length === 0 || !processes.every((info) => ENDED.has(info.status))) return undefined;
  const bad = processes.filter((info) => info.status === 'failed' || info.returnCode !== 0);
  if (bad.length === 0) return { code: EXIT.ok, reason: 'every process finished with exit code 0' };
  const what = bad.map((info) =>
    info.status === 'failed' ? `"${info.name}" failed` : info.signal ? `"${info.name}" was killed by ${info.signal}` : `"${info.name}" exited with code ${info.returnCode}`,
  );
  return { code: EXIT.failure, reason: `every process has ended: ${what.join(', ')}` };
}

/** The outcome of a command that ended: its exit code, or 128 + n for a signal, as a shell reports it. */
export function commandOutcome(exit: ExitInfo): RunOutcome {
  if (exit.signal) return { code: signalExitCode(exit.signal), reason: `the command was killed by ${exit.signal}` };
  const code = exit.code ?? EXIT.failure;
  return { code, reason: `the command exited with code ${code}` };
}

/**
 * A start-up failure: exit code 1 and a short reason. The error itself, with the process's last
 * output, is printed once by the session, not repeated in the last line.
 */
export function startFailure(error: unknown): RunOutcome {
  const name = (error as { process?: unknown }).process;
  return { code: EXIT.failure, reason: typeof name === 'string' ? `start-up failed (process "${name}")` : 'start-up failed' };
}
