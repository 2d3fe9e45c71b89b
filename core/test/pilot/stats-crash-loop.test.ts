import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readlinkSync } from 'node:fs';
import { Sandbox, eventually, fixture } from '../support/index.js';

// Runs against core's build (the host is a plain node process importing @pilot/core): `npm test` builds first.
const PROCESSES = 8;
const FD_LIMIT = 256;
/** Enough restarts that fds held per sampled pid (pidusage: one per pid for 60 s) would exceed FD_LIMIT several times over. */
const EXITS = 600;

let sandbox: Sandbox;
let host: ChildProcess | undefined;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => {
  // A host left alive by a failed test would keep its pilot's children alive too: SIGKILL it,
  // then its lifeline watchdog kills their groups.
  if (host && host.exitCode === null && host.signalCode === null) {
    const exited = once(host, 'exit');
    host.kill('SIGKILL');
    await exited;
    await eventually(() => sandbox.leftovers().length === 0, 'the watchdog to kill the children of the killed host').catch(() => undefined);
  }
  host = undefined;
  expect(await sandbox.cleanup()).toEqual([]);
});

/** `fd -> target` of every fd of `pid` ([] once it is gone). */
function openFds(pid: number): string[] {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  return fds.flatMap((fd) => {
    try {
      return [`${fd} -> ${readlinkSync(`/proc/${pid}/fd/${fd}`)}`];
    } catch {
      return []; // closed meanwhile
    }
  });
}

test(`a crash loop of ${PROCESSES} processes sampled every 20 ms under ulimit -n ${FD_LIMIT}: restarts keep working, fds stay bounded by live processes`, async () => {
  const manifest = await sandbox.manifest({
    stats_interval: 0.02,
    // Each run lives long enough to be sampled (a shell and its sleep: two pids per run), then fails.
    processes: Array.from({ length: PROCESSES }, (_, i) => ({
      name: `crasher-${i}`,
      path: 'sh',
      args: ['-c', 'sleep 0.03; exit 3'],
      restart_backoff: { initial_delay: 0, reset_after: 0 },
    })),
  });
  const started = spawn('prlimit', [`--nofile=${FD_LIMIT}:${FD_LIMIT}`, process.execPath, fixture('crash-loop-host.mjs'), manifest.source!], { stdio: ['ignore', 'pipe', 'pipe'] });
  host = started;
  const seen = { exits: 0, sampled: 0, failures: [] as string[], errors: [] as string[], stderr: '' };
  let buffer = '';
  started.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      const event = JSON.parse(line);
      if (event.exits) seen.exits = event.exits;
      if (event.sampled) seen.sampled += 1;
      if (event.failure) seen.failures.push(event.failure);
      if (event.error) seen.errors.push(event.error);
    }
  });
  started.stderr!.setEncoding('utf8').on('data', (chunk: string) => (seen.stderr += chunk));

  let maxFds = 0;
  // A /proc file open at the same fd in two looks 10 ms apart is held (readFileSync opens and
  // closes within microseconds; pidusage held /proc/<pid>/stat of every pid it sampled for 60 s).
  let lastProcFds = new Set<string>();
  const held = new Set<string>();
  const state = () => `${seen.exits} exits, ${seen.sampled} stats rounds, max ${maxFds} fds, failures ${JSON.stringify(seen.failures.slice(-3))}, errors ${JSON.stringify(seen.errors.slice(-3))}, stderr ${seen.stderr.slice(-500)}`;
  await eventually(() => {
    const fds = openFds(started.pid!);
    maxFds = Math.max(maxFds, fds.length);
    // The host's own /proc files are not the sampler's: glibc reads /proc/self/maps when a thread
    // starts, and on a loaded machine that read can span both looks.
    const procFds = new Set(fds.filter((fd) => fd.includes(' -> /proc/') && !fd.includes(` -> /proc/${started.pid}/`)));
    for (const fd of procFds) if (lastProcFds.has(fd)) held.add(fd);
    lastProcFds = procFds;
    return seen.exits >= EXITS || started.exitCode !== null || seen.failures.length > 0;
  }, `${EXITS} exits`, 60_000).catch((error: Error) => {
    throw new Error(`${error.message} (so far: ${state()})`);
  });
  expect({ exits: seen.exits >= EXITS, failures: seen.failures, errors: seen.errors, hostExit: started.exitCode }).toEqual({ exits: true, failures: [], errors: [], hostExit: null });
  // Stats really ran through the loop (else the fd bound would prove nothing).
  expect(seen.sampled).toBeGreaterThan(20);
  // Stats hold no file open between samples.
  expect([...held]).toEqual([]);
  // Bounded by live processes, not by how many came and went (pidusage reached the limit, 256).
  // Per process: the read ends of its stdout and stderr pipes, twice while a run that exited is
  // drained and its successor runs. The constant: Node's own (stdio, epoll, the lifeline's pipe,
  // ~20) and the pipe pool's FIFOs (2 fds each: 16 spare + one per waiting spawn, plus a refill
  // batch being opened), 105-115 in all here.
  expect(maxFds).toBeLessThanOrEqual(4 * PROCESSES + 128);
  // The host stops its pilot on SIGTERM (children stopped gracefully), then exits.
  const exited = once(started, 'exit');
  started.kill('SIGTERM');
  await exited;
  expect(sandbox.leftovers()).toEqual([]);
}, 90_000);
