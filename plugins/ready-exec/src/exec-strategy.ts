import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pollUntil, type ReadinessContext, type ReadinessStrategy } from '@pilot/core';
import { execOptionsSchema, type ExecOptions } from './options.js';
import { runProbe, type ProbeOutcome } from './run-probe.js';

/**
 * `ready_strategy: exec`: run `command` (an argv array, no shell) until it exits 0 while the
 * process is alive. Each probe leads its own process group; one that outlives `timeout_ms`, or
 * is still running when the wait ends, is SIGKILLed with its group. A probe that cannot be
 * started at all (missing executable or working directory) fails the wait at once.
 */
export const execStrategy: ReadinessStrategy<ExecOptions> = {
  name: 'exec',
  options: execOptionsSchema,
  async wait(context) {
    const { command, timeout_ms: timeoutMs, interval_ms: intervalMs } = context.options;
    const cwd = resolve(context.baseDirectory, context.options.cwd ?? '.');
    assertDirectory(cwd);
    const env = probeEnvironment(context);
    await pollUntil(context.signal, intervalMs, async () => {
      const outcome = await runProbe({ argv: command, cwd, env, timeoutMs, signal: context.signal });
      if (outcome.kind === 'spawn-failed') throw spawnFailure(command[0]!, cwd, outcome);
      return outcome.kind === 'exited' && outcome.code === 0 && context.isAlive();
    });
  },
};

/** The pilot's environment, `env`, and the watched process's name and pid for the probe to use. */
function probeEnvironment(context: ReadinessContext<ExecOptions>): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    ...context.options.env,
    PILOT_PROCESS_NAME: context.process,
    PILOT_PROCESS_PID: String(context.pid ?? ''),
  };
}

function assertDirectory(cwd: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(cwd).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) throw new Error(`ready_params.cwd: the probe's working directory ${cwd} does not exist or is not a directory`);
}

function spawnFailure(executable: string, cwd: string, outcome: Extract<ProbeOutcome, { kind: 'spawn-failed' }>): Error {
  const { code } = outcome.error;
  const what =
    code === 'ENOENT'
      ? `was not found (${executable.includes('/') ? `relative to ${cwd}` : 'searched PATH'})`
      : code === 'EACCES'
        ? 'is not executable (check its exec bit and shebang line)'
        : `could not be started (${code ?? outcome.error.message})`;
  return new Error(`ready_params.command: the probe executable "${executable}" ${what}`, { cause: outcome.error });
}
