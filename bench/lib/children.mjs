// Raw-Node baseline helpers: spawn a child the way the pilot does (detached group leader, stdout
// and stderr piped and read), and check from /proc whether a pid is still a live process.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { trackGroup, untrackGroup } from './cleanup.mjs';

/**
 * Spawn `file args` detached with piped, drained stdout/stderr. Resolves on 'spawn' with
 * { child, pid, exited } where `exited` resolves on 'exit'.
 */
export function spawnRaw(file, args, { env = process.env, onData } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
    const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })));
    child.once('error', reject);
    child.once('spawn', () => {
      trackGroup(child.pid);
      void exited.then(() => untrackGroup(child.pid));
      child.stdout.on('data', onData ?? noop);
      child.stderr.on('data', onData ?? noop);
      resolve({ child, pid: child.pid, exited });
    });
  });
}

function noop() {}

/** True when `pid` is a live (non-zombie) process. */
export function isAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Number of processes on the machine (a noise indicator). */
export function processCount() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ')[3];
  } catch {
    return '?';
  }
}

/** 1-minute load average. */
export function loadAverage() {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
}

/** Pids of the direct children of `pid` (every thread's children list). */
export function childPids(pid = process.pid) {
  const pids = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) pids.push(...text.split(' ').map(Number));
    }
  } catch {
    // gone
  }
  return pids;
}

/** Resident memory of `pid` in bytes (VmRSS), NaN if unknown. */
export function rssOf(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** The argv of `pid`, or [] if unknown. */
export function argvOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}
