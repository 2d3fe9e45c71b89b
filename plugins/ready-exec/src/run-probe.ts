import { spawn, type ChildProcess } from 'node:child_process';
import { killGroup } from './kill-group.js';
import { trackProbe, untrackProbe } from './live-probes.js';

/** How one probe run ended. */
export type ProbeOutcome =
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'timed-out' }
  | { kind: 'aborted' }
  | { kind: 'spawn-failed'; error: NodeJS.ErrnoException };

/** One probe to run. */
export interface ProbeRequest {
  argv: readonly string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
}

/**
 * Run the probe once as the leader of its own process group and settle when it exits, after
 * `timeoutMs`, or when `signal` aborts. The group is SIGKILLed in every case but a clean exit of
 * an empty group, so neither a hanging probe nor anything it started in the background is left.
 */
export function runProbe(request: ProbeRequest): Promise<ProbeOutcome> {
  if (request.signal.aborted) return Promise.resolve({ kind: 'aborted' });
  return new Promise((resolve) => {
    const [file, ...args] = request.argv as [string, ...string[]];
    let child: ChildProcess;
    try {
      child = spawn(file, args, { cwd: request.cwd, env: request.env, detached: true, stdio: 'ignore' });
    } catch (error) {
      // Invalid arguments (a NUL byte, say) throw synchronously instead of emitting 'error'.
      return resolve({ kind: 'spawn-failed', error: error as NodeJS.ErrnoException });
    }
    if (child.pid !== undefined) trackProbe(child.pid);
    let settled = false;
    let stopped: ProbeOutcome | undefined;
    const stop = (outcome: ProbeOutcome) => {
      stopped ??= outcome;
      killGroup(child.pid);
    };
    const timer = setTimeout(() => stop({ kind: 'timed-out' }), request.timeoutMs);
    const onAbort = () => stop({ kind: 'aborted' });
    request.signal.addEventListener('abort', onAbort, { once: true });
    const settle = (outcome: ProbeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal.removeEventListener('abort', onAbort);
      resolve(stopped ?? outcome);
    };
    child.once('error', (error) => {
      if (child.pid === undefined) settle({ kind: 'spawn-failed', error });
    });
    child.once('exit', (code, signal) => {
      // Background children of the probe share its group: reap them right away, before the
      // group id could ever be reused.
      killGroup(child.pid);
      untrackProbe(child.pid!);
      settle({ kind: 'exited', code, signal });
    });
  });
}
