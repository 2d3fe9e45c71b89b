// Benchmark (issue 9): a crash loop. 50 processes (`sh -c 'sleep 0.05; exit 3'`) restart with
// no backoff until 10,000 exits in total, with stats sampled every 100 ms, under `ulimit -n 1024`
// (the limit the issue reports exhausted in 20 s). We record the pilot's open fds
// (/proc/self/fd), RSS and heap after a forced GC at the start (every process spawned once), the
// middle and the end, and every 1,000 exits; spawn failures are counted. Baseline in the same
// run: raw Node respawning the same children from their 'exit' event (no stats, no pilot).
//
//   node bench/crash-loop.mjs [--quick] [--processes 50] [--exits 10000]
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchMarker, killEverything } from './lib/cleanup.mjs';
import { childPids, loadAverage, spawnRaw } from './lib/children.mjs';
import { importCore, isMain, machine, parseFlags, runWorker, saveResult } from './lib/cli.mjs';
import { fmt, ratio, summarize } from './lib/stats.mjs';

const SCRIPT = fileURLToPath(import.meta.url);
const COMMAND = ['sh', ['-c', 'sleep 0.05; exit 3']];
const FD_LIMIT = 1024;
const STATS_INTERVAL_S = 0.1;

/** Open fds may be at most this many per live process plus {@link targets.fdConstant}. */
export const targets = { fdsPerProcess: 4, fdConstant: 64, rssGrowth: 1.2 };

/** The issue's limit, set on this worker itself (prlimit on our own pid). */
function limitFds() {
  execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${FD_LIMIT}:${FD_LIMIT}`]);
}

function snapshot(exits, startedAt) {
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { exits, s: (performance.now() - startedAt) / 1000, fds: readdirSync('/proc/self/fd').length, rss, heap: heapUsed, children: childPids().length };
}

/** Calls `onExit(total)` per exit; resolves with the snapshots once `exits` exits were seen. */
function recorder(exits, every) {
  const startedAt = performance.now();
  const points = [];
  let total = 0;
  let done;
  const finished = new Promise((resolve) => (done = resolve));
  return {
    start: () => points.push(snapshot(0, startedAt)),
    onExit: () => {
      total += 1;
      if (total % every === 0 || total === exits) points.push(snapshot(total, startedAt));
      if (total === exits) done(points);
    },
    finished,
  };
}

async function workerPilot({ processes, exits }) {
  limitFds();
  const { ProcessManifest, ProcessPilot } = await importCore();
  const manifest = ProcessManifest.fromObject({
    stats_interval: STATS_INTERVAL_S,
    kill_timeout: 60,
    processes: Array.from({ length: processes }, (_, i) => ({
      name: `crasher-${i}`,
      path: COMMAND[0],
      args: COMMAND[1],
      restart_backoff: { initial_delay: 0, reset_after: 0 },
      max_restarts: null,
    })),
  });
  let errors = 0;
  let rounds = 0;
  const pilot = new ProcessPilot(manifest, { handleSignals: false, reportError: () => (errors += 1) });
  const record = recorder(exits, 1000);
  pilot.hooks.exit.tap('bench', () => record.onExit());
  pilot.hooks.statsSample.tap('bench', () => (rounds += 1));
  const fdsBeforeStart = readdirSync('/proc/self/fd').length;
  await pilot.start();
  record.start();
  const points = await record.finished;
  const failed = pilot.getRunningProcess().filter((info) => info.status === 'failed').map((info) => info.reason);
  await pilot.stop();
  return { points, fdsBeforeStart, statsRounds: rounds, errors, failed };
}

async function workerRaw({ processes, exits }) {
  limitFds();
  const record = recorder(exits, 1000);
  let stopping = false;
  let spawnFailures = 0;
  const errnos = new Set();
  const live = new Set();
  // Respawned from 'exit', as a minimal supervisor would; a failed spawn is counted and retried.
  const keep = async () => {
    let run;
    try {
      run = await spawnRaw(COMMAND[0], COMMAND[1]);
    } catch (error) {
      spawnFailures += 1;
      errnos.add(error.code);
      if (!stopping) setTimeout(keep, 10);
      return;
    }
    live.add(run);
    void run.exited.then(() => {
      live.delete(run);
      record.onExit();
      if (!stopping) void keep();
    });
  };
  const fdsBeforeStart = readdirSync('/proc/self/fd').length;
  await Promise.all(Array.from({ length: processes }, keep));
  record.start();
  const points = await record.finished;
  stopping = true;
  await Promise.all([...live].map((run) => run.exited));
  return { points, fdsBeforeStart, statsRounds: 0, errors: spawnFailures, errnos: [...errnos], failed: [] };
}

/** Exits per second over each 1,000-exit window. */
function rates(points) {
  return points.slice(1).map((point, i) => (point.exits - points[i].exits) / (point.s - points[i].s));
}

function side(result) {
  const { points } = result;
  const middle = points.reduce((best, p) => (Math.abs(p.exits - points.at(-1).exits / 2) < Math.abs(best.exits - points.at(-1).exits / 2) ? p : best));
  return { ...result, start: points[0], middle, end: points.at(-1), maxFds: Math.max(...points.map((p) => p.fds)), rate: summarize(rates(points)) };
}

/** Run both sides; returns the result saved to bench/results/crash-loop.json. */
export async function run({ quick = false, processes = 50, exits } = {}) {
  exits ??= quick ? 2000 : 10_000;
  const loads = [loadAverage()];
  const args = (worker) => ['--worker', worker, '--processes', String(processes), '--exits', String(exits)];
  const options = { nodeArgs: ['--expose-gc'], timeoutMs: 600_000 };
  process.stderr.write(`  pilot: ${processes} processes until ${exits} exits\n`);
  const pilot = side(await runWorker(SCRIPT, args('pilot'), options));
  loads.push(loadAverage());
  process.stderr.write(`  raw Node: the same crash loop\n`);
  const raw = side(await runWorker(SCRIPT, args('raw'), options));
  loads.push(loadAverage());
  return {
    name: 'crash-loop',
    machine: machine(),
    command: `node bench/crash-loop.mjs${quick ? ' --quick' : ''}`,
    processes,
    exits,
    fdLimit: FD_LIMIT,
    statsIntervalS: STATS_INTERVAL_S,
    loadAverage: { min: Math.min(...loads), max: Math.max(...loads) },
    pilot,
    raw,
  };
}

const fdBound = (r) => targets.fdsPerProcess * r.processes + targets.fdConstant;
const fdsMet = (r) => r.pilot.maxFds <= fdBound(r) && r.pilot.failed.length === 0 && r.pilot.end.exits === r.exits;
const rssMet = (r) => r.pilot.end.rss <= r.pilot.middle.rss * targets.rssGrowth;
const mib = (bytes) => fmt(bytes / 2 ** 20, 1);

/** Summary rows: [metric, measured, target, met]. */
export function headline(r) {
  const p = r.pilot;
  return [
    [
      `pilot fds in a ${r.exits}-restart crash loop (${r.processes} processes, stats on)`,
      `${p.start.fds} / ${p.middle.fds} / ${p.end.fds} (start / middle / end), max ${p.maxFds}; raw Node ${r.raw.start.fds} / ${r.raw.middle.fds} / ${r.raw.end.fds}`,
      `flat, <= ${targets.fdsPerProcess} x ${r.processes} + ${targets.fdConstant} = ${fdBound(r)}, every restart done`,
      fdsMet(r),
    ],
    [`pilot RSS in the same crash loop`, `${mib(p.start.rss)} / ${mib(p.middle.rss)} / ${mib(p.end.rss)} MiB`, `end <= ${targets.rssGrowth}x middle`, rssMet(r)],
  ];
}

function pointsTable(label, s) {
  return [
    `| ${label} | exits | s | open fds | RSS | heap after GC | live children |`,
    '|---|---|---|---|---|---|---|',
    ...[['start', s.start], ['middle', s.middle], ['end', s.end]].map(([name, p]) => `| ${name} | ${p.exits} | ${fmt(p.s, 1)} | ${p.fds} | ${mib(p.rss)} MiB | ${mib(p.heap)} MiB | ${p.children} |`),
  ].join('\n');
}

/** Markdown section for docs/performance.md. */
export function render(r) {
  const p = r.pilot;
  const fdsEvery = p.points.map((point) => point.fds);
  return [
    `${r.processes} processes \`${COMMAND[0]} -c '${COMMAND[1][1]}'\`, \`restart_backoff.initial_delay: 0\`, stats every ${r.statsIntervalS * 1000} ms, \`ulimit -n ${r.fdLimit}\`, until ${r.exits} exits in total; one run per side, pilot first.`,
    '',
    pointsTable('pilot', p),
    '',
    pointsTable('raw Node (same loop, no stats)', r.raw),
    '',
    `Pilot: open fds every 1,000 exits ${Math.min(...fdsEvery)}-${Math.max(...fdsEvery)} (${p.fdsBeforeStart} before \`start()\`; target <= ${targets.fdsPerProcess} per live process + ${targets.fdConstant} = ${fdBound(r)}: ${fdsMet(r) ? 'met' : '**not met**'}); ` +
      `${p.statsRounds} stats rounds; ${p.errors} reported errors; ${p.failed.length} processes failed${p.failed.length ? ` (${[...new Set(p.failed)].join('; ')})` : ''}. ` +
      `Raw Node: ${r.raw.errors} failed spawns${r.raw.errnos?.length ? ` (${r.raw.errnos.join(', ')}: its pipes close only once the event loop gets to their EOF, which a tight respawn loop delays)` : ''}. ` +
      `Restarts per second (median over 1,000-exit windows): pilot ${fmt(p.rate.median, 0)}, raw Node ${fmt(r.raw.rate.median, 0)} (${fmt(ratio(p.rate.median, r.raw.rate.median), 2)}x). Load average ${fmt(r.loadAverage.min, 2)}-${fmt(r.loadAverage.max, 2)}.`,
    '',
    'Before this change the sampler used pidusage, which keeps `/proc/<pid>/stat` open for 60 s per pid it sampled: the same loop then ends in EMFILE once the sampled pids of one minute exceed the limit (the crash-loop test, `core/test/pilot/stats-crash-loop.test.ts`, stalled at 256 fds after about 130 exits under `ulimit -n 256`).',
  ].join('\n');
}

if (isMain(import.meta.url)) {
  const flags = parseFlags({ quick: false, processes: 50, exits: 0, worker: '' });
  benchMarker();
  try {
    if (flags.worker) {
      const options = { processes: flags.processes, exits: flags.exits };
      console.log(JSON.stringify(flags.worker === 'pilot' ? await workerPilot(options) : await workerRaw(options)));
    } else {
      const result = await run({ quick: flags.quick, processes: flags.processes, exits: flags.exits || undefined });
      console.log(render(result));
      console.log(`\nsaved ${saveResult('crash-loop', result, { quick: flags.quick })}`);
    }
  } finally {
    killEverything();
  }
}
