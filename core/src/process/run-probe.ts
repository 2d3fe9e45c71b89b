import { PilotError } from '../errors.js';
import type { Executor, ExecutorRun, StopRequest } from '../executor/executor.js';
import { checkDirectory, findExecutable } from '../manifest/executable.js';
import type { ProbeResult } from '../readiness.js';
import type { LogLine } from './output.js';

/** Output kept per stream of one probe. */
const OUTPUT_LIMIT = 64 * 1024;
/** Pipes still held by something the kill missed must not hold the probe's result. */
const OUTPUT_GRACE_MS = 200;
/** Whatever a probe left running is killed at once: it has no graceful stop to wait for. */
const KILL_REST: StopRequest = { signal: 'SIGKILL', timeoutMs: 0, killMode: 'control-group' };

/** What {@link runProbe} needs besides the argv. */
export interface ProbeRequest {
  cwd: string;
  /** Added to the pilot's environment. */
  env: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
  /** The process's validated executor options: the probe runs as the process does. */
  executorOptions: unknown;
}

/**
 * Run `argv` once on `executor`, as a run of its own (`<process>.probe`), so its containment
 * applies: its own group or cgroup, the lifeline, the exit guard, identity checks before every
 * signal. Settles when it exits (the rest of its tree is then killed), or after `timeoutMs` (it
 * is killed with its tree); rejects with the signal's reason when `signal` aborts (killed too).
 */
export async function runProbe(executor: Executor, process: string, argv: readonly string[], request: ProbeRequest): Promise<ProbeResult> {
  if (request.signal.aborted) throw request.signal.reason;
  const env = { ...(globalThis.process.env as Record<string, string>), ...request.env };
  const command = resolveCommand(process, argv, request.cwd, env.PATH);
  const output = { stdout: new BoundedText(), stderr: new BoundedText() };
  const onLine = (line: LogLine) => output[line.stream].add(line.text);
  const run = await executor.spawn(`${process}.probe`, { command, args: argv.slice(1), cwd: request.cwd, env, shell: false, affinity: undefined }, onLine, request.executorOptions);
  const ending = await endOf(run, request);
  // After a clean exit this kills what the probe left in the background; else the probe too.
  run.killNow();
  const exit = await run.exited;
  await run.reap(KILL_REST).catch(() => undefined);
  await Promise.race([run.outputDone, new Promise((resolve) => setTimeout(resolve, OUTPUT_GRACE_MS).unref())]);
  if (ending.kind === 'aborted') throw request.signal.reason;
  return { code: exit.code, signal: exit.signal, timedOut: ending.kind === 'timed-out', stdout: output.stdout.text(), stderr: output.stderr.text() };
}

type Ending = { kind: 'exited' | 'timed-out' | 'aborted' };

/** The first of: the probe exited, its timeout, the abort; the timer and listener are released. */
function endOf(run: ExecutorRun, request: ProbeRequest): Promise<Ending> {
  return new Promise((resolve) => {
    const finish = (ending: Ending) => {
      clearTimeout(timer);
      request.signal.removeEventListener('abort', onAbort);
      resolve(ending);
    };
    const timer = setTimeout(() => finish({ kind: 'timed-out' }), request.timeoutMs);
    const onAbort = () => finish({ kind: 'aborted' });
    request.signal.addEventListener('abort', onAbort, { once: true });
    void run.exited.then(() => finish({ kind: 'exited' }));
  });
}

/** The executable's absolute path (PATH searched for a bare name), or an error saying why there is none. */
function resolveCommand(process: string, argv: readonly string[], cwd: string, pathVariable: string | undefined): string {
  const executable = argv[0];
  if (executable === undefined || executable === '') {
    throw new PilotError('PILOT_INVALID_ARGUMENT', `process "${process}": a probe needs an argv array with the executable first, got ${JSON.stringify(argv)}`, { process });
  }
  const directoryProblem = checkDirectory(cwd);
  if (directoryProblem) throw new PilotError('PILOT_WORKING_DIRECTORY_NOT_FOUND', `the probe's working directory ${cwd} ${directoryProblem}`, { process });
  const found = findExecutable(executable, cwd, pathVariable);
  if ('path' in found) return found.path;
  const message = executable.includes('/') ? `the probe executable "${executable}" (${found.error})` : `the probe executable "${executable}" was not found (searched PATH)`;
  throw new PilotError('PILOT_EXECUTABLE_NOT_FOUND', message, { process });
}

/** Lines joined with newlines, the first {@link OUTPUT_LIMIT} characters kept. */
class BoundedText {
  private readonly parts: string[] = [];
  private length = 0;

  add(line: string): void {
    if (this.length >= OUTPUT_LIMIT) return;
    const part = line.slice(0, OUTPUT_LIMIT - this.length);
    this.parts.push(part);
    this.length += part.length + 1;
  }

  text(): string {
    return this.parts.join('\n');
  }
}
