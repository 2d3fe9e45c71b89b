import { PilotError } from '../errors.js';
import type { LogLine } from './output.js';
import type { ReadinessHandle } from './run.js';
import type { ExitInfo } from './state.js';

const OUTPUT_GRACE_MS = 200;
/** The abort reason once a wait is over: one shared value, not an Error (and its stack) per process. */
const WAIT_FINISHED = new PilotError('PILOT_STOPPED', 'readiness wait finished');

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** One readiness wait: the strategy's started session and the limits around it. */
export interface ReadyWait {
  process: string;
  strategy: { name: string; acceptsExit?: boolean };
  /** From `beginReadiness`: `ready()` is raced here; `end()` is called once the wait is over. */
  readiness: ReadinessHandle;
  controller: AbortController;
  timeoutMs: number;
  exited: Promise<ExitInfo>;
  /** Settles when the process's pipes reached EOF. */
  outputDone: Promise<void>;
  /** Last lines of this spawn, for error messages. */
  lastLines: () => LogLine[];
  /** What the strategy last reported about its attempts (`context.report`), for the timeout message. */
  lastReport: () => string | undefined;
}

/**
 * Wait until the session reports ready, failing at once when the process exits first (unless the
 * strategy accepts exits), at the timeout, or when the wait is aborted by a stop. Always ends the
 * session afterwards (signal aborted, then `dispose()` once), so the strategy releases its
 * watchers, sockets, timers and probes before this settles. A `dispose()` that throws fails a
 * wait that had succeeded.
 */
export async function awaitReady(wait: ReadyWait): Promise<void> {
  const { strategy, controller } = wait;
  let timer: NodeJS.Timeout | undefined;
  const failures = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const seconds = wait.timeoutMs / 1000;
      reject(
        new PilotError(
          'PILOT_READINESS_TIMEOUT',
          `process "${wait.process}" was not ready within ready_timeout_sec (${seconds} s) using ready_strategy "${strategy.name}"` +
            `${wait.lastReport() ? ` (last attempt: ${wait.lastReport()})` : ''}; its tree was stopped. Raise ready_timeout_sec or check ready_params${formatLines(wait.lastLines())}`,
          { process: wait.process, logs: wait.lastLines().map((line) => line.text) },
        ),
      );
    }, wait.timeoutMs);
    if (!strategy.acceptsExit) {
      // The exit event can come before the last lines are read: give the pipes a moment to drain
      // (a grandchild holding them open must not delay the failure).
      void wait.exited.then(async (exit) => {
        await Promise.race([wait.outputDone, delay(OUTPUT_GRACE_MS)]);
        reject(exitedBeforeReady(wait, exit));
      });
    }
    const onAbort = () => reject(controller.signal.reason);
    if (controller.signal.aborted) onAbort();
    else controller.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([wait.readiness.ready(), failures]);
  } catch (error) {
    clearTimeout(timer);
    await wait.readiness.end(WAIT_FINISHED).catch(() => undefined);
    throw strategyFailure(wait, error, 'failed');
  }
  clearTimeout(timer);
  try {
    await wait.readiness.end(WAIT_FINISHED);
  } catch (error) {
    throw strategyFailure(wait, error, 'could not release what it held');
  }
}

function strategyFailure(wait: ReadyWait, error: unknown, what: string): PilotError {
  if (error instanceof PilotError) return error;
  return new PilotError(
    'PILOT_READINESS_FAILED',
    `process "${wait.process}": ready_strategy "${wait.strategy.name}" ${what}: ${(error as Error)?.message ?? String(error)}`,
    { cause: error, process: wait.process, logs: wait.lastLines().map((line) => line.text) },
  );
}

function exitedBeforeReady(wait: ReadyWait, exit: ExitInfo): PilotError {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  return new PilotError(
    'PILOT_EXITED_BEFORE_READY',
    `process "${wait.process}" ${how} before it was ready (ready_strategy "${wait.strategy.name}")${formatLines(wait.lastLines())}`,
    { process: wait.process, logs: wait.lastLines().map((line) => line.text) },
  );
}

/** The last lines, stderr preferred, indented under an error message. */
function formatLines(lines: readonly LogLine[]): string {
  if (lines.length === 0) return '; it printed nothing';
  return `; its last output:\n${lines.map((line) => `    ${line.stream === 'stderr' ? '!' : '|'} ${line.text}`).join('\n')}`;
}
