// Every child a benchmark starts must die with it, even on error or Ctrl-C. Two nets:
// 1. the process groups we started ourselves (raw baselines spawn detached leaders), and
// 2. a unique marker in the environment (BENCH_MARK), inherited by everything we start (pilot
//    children, worker processes and their children): at exit we SIGKILL every process whose
//    /proc/<pid>/environ carries our marker. Never by name.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

const groups = new Set();
let marker;
let ownGroup;

/**
 * The marker of this benchmark run (inherited from a parent benchmark if there is one). Sets it in
 * process.env so every child, however it is spawned, inherits it. Installs the exit handlers.
 */
export function benchMarker() {
  if (marker) return marker;
  marker = process.env.BENCH_MARK ?? `pilot-bench-${process.pid}-${randomUUID()}`;
  process.env.BENCH_MARK = marker;
  ownGroup = ownProcessGroup();
  process.on('exit', killEverything);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      killEverything();
      process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 })[signal]);
    });
  }
  process.on('uncaughtException', (error) => {
    console.error(error);
    killEverything();
    process.exit(1);
  });
  process.on('unhandledRejection', (error) => {
    console.error(error);
    killEverything();
    process.exit(1);
  });
  return marker;
}

/** Remember a process group we started (a detached child's pid). */
export function trackGroup(pgid) {
  groups.add(pgid);
}

/** Forget a group whose leader we saw exit and killed. */
export function untrackGroup(pgid) {
  groups.delete(pgid);
}

/** SIGKILL a group we started; false if it was already gone. */
export function killGroup(pgid, signal = 'SIGKILL') {
  if (!Number.isSafeInteger(pgid) || pgid <= 1 || pgid === process.pid || pgid === ownGroup) {
    throw new Error(`refusing to signal group ${pgid}`);
  }
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if (error.code === 'ESRCH') return false;
    throw error;
  }
}

/** Pids of live processes (other than this one) whose environment carries our marker. */
export function markedPids(mark = marker) {
  if (!mark) return [];
  const needle = `BENCH_MARK=${mark}\0`;
  const found = [];
  let names = [];
  try {
    names = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const name of names) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
      if (environ.startsWith(needle) || environ.includes(`\0${needle}`)) found.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/** Synchronously SIGKILL every tracked group and every marked process. Safe to call twice. */
export function killEverything() {
  for (const pgid of groups) {
    try {
      killGroup(pgid);
    } catch {
      // exit handlers must not throw
    }
  }
  groups.clear();
  for (const pid of markedPids()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function ownProcessGroup() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}
