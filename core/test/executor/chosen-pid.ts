import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { MARKER_VARIABLE } from '../support/index.js';

/** True where this test may choose the next pid (root in the initial pid namespace). */
export function canChoosePids(): boolean {
  try {
    // Writing the current value back changes nothing but proves the right to write it.
    writeFileSync('/proc/sys/kernel/ns_last_pid', readFileSync('/proc/sys/kernel/ns_last_pid', 'utf8').trim(), { flag: 'r+' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Start a "stranger" (`sleep 1000` leading its own group, marked with `marker`) whose pid is
 * exactly `pid`: write pid-1 to ns_last_pid, then fork at once. Other processes on the machine may
 * take the number first: our own wrong-pid strangers are killed and the attempt repeated.
 * Returns undefined if the number stayed taken.
 */
export function spawnWithPid(pid: number, marker: string): ChildProcess | undefined {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    writeFileSync('/proc/sys/kernel/ns_last_pid', String(pid - 1), { flag: 'r+' });
    const child = spawn('/bin/sleep', ['1000'], { detached: true, stdio: 'ignore', env: { [MARKER_VARIABLE]: marker, PATH: '/usr/bin:/bin' } });
    if (child.pid === pid) return child;
    child.kill('SIGKILL');
  }
  return undefined;
}
