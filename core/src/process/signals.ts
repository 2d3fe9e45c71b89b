import { PilotError } from '../errors.js';
import { readProcEntry } from './proc-table.js';

let ownGroup: number | undefined;

/** The pilot's own process group id (read once from /proc/self/stat). */
function ownProcessGroup(): number | undefined {
  ownGroup ??= readProcEntry(process.pid)?.pgid;
  return ownGroup;
}

/**
 * Throws PILOT_INVALID_PID unless `pid` is a safe target: an integer > 1 that is neither the
 * pilot itself nor, for a group, the pilot's own group. tree-kill and process.kill accept
 * "12abc", 0 and -1 (every process we may signal), so every signal goes through here.
 */
export function assertSignalable(pid: unknown, group: boolean): asserts pid is number {
  const valid = typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 1 && pid !== process.pid;
  if (!valid || (group && pid === ownProcessGroup())) {
    throw new PilotError(
      'PILOT_INVALID_PID',
      `refusing to signal ${group ? 'process group' : 'pid'} ${JSON.stringify(pid) ?? String(pid)}: expected the pid of a child this pilot started`,
    );
  }
}

/** Send `signal` to process group `pgid`; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  assertSignalable(pgid, true);
  return send(-pgid, signal);
}

/** Send `signal` to one process; false when it no longer exists. */
export function signalProcess(pid: number, signal: NodeJS.Signals): boolean {
  assertSignalable(pid, false);
  return send(pid, signal);
}

function send(target: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/**
 * True when a process with this pid exists (signal 0 delivers nothing; EPERM means it exists but
 * belongs to someone else). For "is the pilot that wrote this file still alive?" checks.
 */
export function processExists(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
