// Runs every benchmark, each in its own node process, then rewrites docs/performance.md from
// their results (bench/results/*.json). `npm run bench` runs this.
//
//   node bench/run-all.mjs                 full run (about 8 minutes), rewrites docs/performance.md
//   node bench/run-all.mjs --quick         smoke run (about 2 minutes): prints the report, writes
//                                          bench/results/quick/, leaves the documentation alone
//   node bench/run-all.mjs --only restart,readiness   run some, re-render the doc from all results
//   node bench/run-all.mjs --render        no runs: re-render docs/performance.md from saved results
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as cliStart from './cli-start.mjs';
import * as crashLoop from './crash-loop.mjs';
import * as fromFile from './from-file.mjs';
import { BENCH_DIR, parseFlags, REPO_DIR, RESULTS_DIR } from './lib/cli.mjs';
import * as outputThroughput from './output-throughput.mjs';
import * as readiness from './readiness.mjs';
import * as restart from './restart.mjs';
import * as startStop from './start-stop.mjs';
import * as stats from './stats.mjs';

const BENCHES = [
  { name: 'start-stop', module: startStop, title: 'Start and stop 200 children (issue 2)' },
  { name: 'restart', module: restart, title: 'Restart latency after a crash (issue 2)' },
  { name: 'readiness', module: readiness, title: 'Readiness detection latency (issue 3)' },
  { name: 'cli-start', module: cliStart, title: '`pilot run` start-up (issue 4)' },
  { name: 'from-file', module: fromFile, title: 'From a YAML file to 200 running children (issue 11)' },
  { name: 'stats', module: stats, title: 'Stats sampling cost (issue 5)' },
  { name: 'output-throughput', module: outputThroughput, title: 'Output throughput: 2 million lines through `pilot run` (issue 9)' },
  { name: 'crash-loop', module: crashLoop, title: 'A 10,000-restart crash loop: fds and RSS (issue 9)' },
];

const DESCRIPTIONS = {
  'output-throughput':
    "One child prints 2 million 100-byte lines (`yes <99 x> | head -n 2000000`, 200 MB) and each side writes them, prefixed, into a file: `pilot run` with its default pretty output (so every line also goes through the in-memory log tail, the `output` hook and control-character escaping), a raw-Node baseline that splits and prefixes with one write per chunk (`bench/fixtures/raw-prefix.mjs`), and concurrently 9 (a bench dev dependency). Wall time from spawn to exit (Node start-up included for all three); CPU is user + system of the side and all its children (cutime/cstime of the benchmark process), minus the producer's own CPU, measured alone in the same rounds. Rounds alternate the order.",
  'start-stop':
    "Wall time from the manifest object (`ProcessManifest.fromObject` + `new ProcessPilot` + `start()`) until all 200 `sh -c 'exec sleep 1000'` children are spawned, and from `stop()` until all are gone, against a raw-Node baseline that spawns the same children itself (`detached: true`, stdout/stderr piped and read) and then sends SIGTERM to each group and waits for every `'exit'`. RSS of each process while it holds the 200 children.",
  restart:
    'A child is SIGKILLed; we time until its replacement has been spawned (pid known): the pilot with `restart_backoff.initial_delay: 0` (`crashProcess()` to the `spawn` hook) against raw Node respawning from the `exit` event (kill to the new child\'s `spawn` event).',
  readiness:
    "A child process signals readiness 150-350 ms after its start (creates the file, writes the FIFO, listens) and records the time on CLOCK_MONOTONIC (`process.hrtime`, one system-wide clock on Linux, so child and pilot timestamps subtract without skew) of the moment its signal became observable: right before the file write or FIFO open, right after `listen()` returned for tcp and http (Node binds and listens inside that call; strace shows listen(2) 0.1-0.4 ms before it returns, after 1.5-3 ms of Node loading its listen code in the fresh child, which is not counted). The latency is from that moment to the pilot's `ready` hook (or to the baseline waiter noticing). The child prints a start-up line at once and its `SIGNALLED` line right after signalling, as real servers print `listening on ...`; the tcp and http strategies take a printed line as a hint to try at once. The `-silent` rows run the same child printing nothing (it writes its times to a file), for servers that do not announce themselves; only the pilot is measured there (the baselines ignore output). Baselines in the same run, in the same process as the pilot trials: a 100 ms polling loop (process_pilot's method) and wait-on's defaults. **wait-on is not installed in this repository** and adding dependencies is not ours to do here, so its default behaviour is re-implemented in `bench/lib/waiters.mjs` from its source (250 ms interval started on a timer, TCP connect timeout 300 ms, HTTP HEAD accepting 2xx, a 750 ms stability window for files) and labelled as such; wait-on has no FIFO resource. Strategies whose plugin package still registers nothing are reported as not yet implemented.",
  'cli-start':
    "Time from spawning `node core/dist/bundle/pilot.js run pilot.yaml` until its first child has started (the child, `bash -c 'echo $EPOCHREALTIME > $STAMP; exec sleep 1000'`, records the wall-clock time with a bash builtin about 1-2 ms after its spawn), beside `node -e 0` (Node's own start to exit) and a node process that only imports `@pilot/core`, alternating.",
  'from-file':
    "`ProcessManifest.fromFile` of a YAML file listing 200 `sh -c 'exec sleep 1000'` children, `new ProcessPilot` and `start()` until all are spawned, then `stop()` and RSS, beside the same manifest given as an object and a raw-Node baseline spawning the children itself (as in start-stop).",
  stats:
    "The pilot's own CPU (`process.cpuUsage()` per second) while it holds 200 children and samples them every second (`stats_interval: 1`, trees and their CPU and memory read from /proc, no file held open between rounds), against the same pilot with sampling effectively off (`stats_interval: 86400`). Open fds (`/proc/self/fd`) and heap after a forced GC at the start and the end, and every 10 s.",
  'crash-loop':
    "50 processes that exit 50 ms after their start (`sh -c 'sleep 0.05; exit 3'`) are restarted with no backoff until 10,000 exits in total, with stats sampled every 100 ms, in a worker whose `ulimit -n` is 1024 (the limit the issue reports exhausted within 20 s). The pilot's open fds (`/proc/self/fd`), RSS and heap after a forced GC are recorded once every process has been spawned (start), at 5,000 exits (middle), at 10,000 (end) and every 1,000 exits; failed processes and reported errors are counted. Baseline in the same run: raw Node respawning the same children from their `exit` event (no stats); its failed spawns are counted and retried after 10 ms.",
};

function runBench(name, quick) {
  const args = [join(BENCH_DIR, `${name}.mjs`), ...(quick ? ['--quick'] : [])];
  console.error(`\n== ${name} ==`);
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) console.error(`${name} failed (exit ${result.status ?? result.signal}); its previous result, if any, is kept`);
  return result.status === 0;
}

function loadResult(name, dir) {
  const file = join(dir, `${name}.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

const verdict = (met) => (met === true ? 'yes' : met === false ? '**no**' : 'not measured');

/** The whole of docs/performance.md. */
export function renderDocument(results, { quick = false } = {}) {
  const present = BENCHES.filter((b) => results[b.name]);
  const machines = present.map((b) => results[b.name].machine);
  const m = machines[0];
  const dates = machines.map((x) => x.date.slice(0, 16).replace('T', ' ')).sort();
  const commits = [...new Set(machines.map((x) => x.commit))];
  const lines = [
    '# Performance',
    '',
    '<!-- Generated by `node bench/run-all.mjs` from bench/results/*.json, except the section "Where the time goes", which is bench/analysis.md. Do not edit by hand. -->',
    '',
    quick ? '> **Smoke run (`--quick`)**: few trials; not the reference numbers.\n' : '',
    'ProcessPilot against baselines measured **in the same run**: raw Node doing the same work, process_pilot\'s 100 ms polling, wait-on\'s defaults, `node -e 0`. Medians and ratios, never absolute limits: the benchmarks are in `bench/` and are not part of `npm test`.',
    '',
    '## How to run',
    '',
    '```sh',
    'npx tsc -b                      # the benchmarks run against the built core/dist and plugins/*/dist',
    'npm run bench                   # all of them (node bench/run-all.mjs), about 8 minutes; rewrites this page',
    'node bench/run-all.mjs --quick  # smoke run, about 2 minutes; prints the report, leaves this page alone',
    'node bench/start-stop.mjs       # any one benchmark alone (also: restart, readiness, cli-start, from-file, stats, crash-loop)',
    'node bench/stats.mjs --soak 600 # the 10-minute fd/heap soak of issue 5',
    '```',
    '',
    'Every benchmark kills every process it started, also on error or Ctrl-C: the groups it spawned, and every process carrying its `BENCH_MARK` environment marker (`bench/lib/cleanup.mjs`); nothing is ever killed by name. `PILOT_BENCH_CORE=/path/to/index.js` measures another build of core (a patched copy) against the same baselines; such results go to `bench/results/patched/` and never into this page.',
    '',
    '## Machine and noise',
    '',
    `- ${m.nproc} CPUs (${m.cpu}), ${m.kernel}, Node ${m.node}.`,
    `- Measured ${dates[0]}${dates.length > 1 && dates.at(-1) !== dates[0] ? ` to ${dates.at(-1)}` : ''} UTC at commit ${commits.join(', ')}${m.core.startsWith('@pilot/core') ? '' : `, core from ${m.core}`}, against the build in core/dist and plugins/*/dist (\`npx tsc -b\` of the working tree${Math.max(...machines.map((x) => x.uncommitted ?? 0)) > 0 ? `, which had up to ${Math.max(...machines.map((x) => x.uncommitted ?? 0))} uncommitted source files of core/plugins in progress by other engineers` : ''}).`,
    '- The machine is shared: other engineers run test suites (hundreds of short-lived processes) on the same 2 cores while these numbers are taken. Each benchmark therefore alternates the pilot and its baseline round by round, reports medians (p95 where the tail matters) and ratios against the baseline of the same run, and records the load average. Absolute times move by 2x between quiet and busy minutes; the ratios move much less, but a ratio within about 10% of its target can land on either side of it from one run to the next (see the per-round numbers).',
    '',
    '## Summary',
    '',
    '| benchmark | measured | target | met? |',
    '|---|---|---|---|',
  ];
  for (const bench of BENCHES) {
    const result = results[bench.name];
    if (!result) {
      lines.push(`| ${bench.title} | not run yet | | not measured |`);
      continue;
    }
    for (const [metric, measured, target, met, note] of bench.module.headline(result, results['stats-soak'])) {
      lines.push(`| ${metric} | ${measured} | ${target} | ${verdict(met)}${note ? ` (${note})` : ''} |`);
    }
  }
  BENCHES.forEach((bench, index) => {
    const result = results[bench.name];
    lines.push('', `## ${index + 1}. ${bench.title}`, '', DESCRIPTIONS[bench.name], '');
    if (!result) {
      lines.push(`Not run yet: \`node bench/${bench.name}.mjs\`.`);
      return;
    }
    lines.push(`Command: \`${result.command}\` (${result.machine.date.slice(0, 16).replace('T', ' ')} UTC, commit ${result.machine.commit}).`, '');
    lines.push(bench.module.render(result, results['stats-soak']));
  });
  const analysis = join(BENCH_DIR, 'analysis.md');
  if (existsSync(analysis)) lines.push('', readFileSync(analysis, 'utf8').trim());
  return `${lines.filter((line, i, all) => !(line === '' && all[i - 1] === '')).join('\n')}\n`;
}

const flags = parseFlags({ quick: false, only: '', render: false });
const selected = flags.only ? flags.only.split(',') : BENCHES.map((b) => b.name);
for (const name of selected) {
  if (!BENCHES.some((b) => b.name === name)) throw new Error(`unknown benchmark ${name}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
}
if (!flags.render) {
  if (!existsSync(join(REPO_DIR, 'core', 'dist', 'index.js'))) {
    console.error('core/dist is missing: run `npx tsc -b` first');
    process.exit(1);
  }
  let failed = 0;
  for (const name of selected) if (!runBench(name, flags.quick)) failed += 1;
  if (failed) process.exitCode = 1;
}
const dir = flags.quick ? join(RESULTS_DIR, 'quick') : RESULTS_DIR;
const results = Object.fromEntries(
  [...BENCHES.map((b) => b.name), 'stats-soak'].map((name) => [name, loadResult(name, name === 'stats-soak' ? RESULTS_DIR : dir)]),
);
const document = renderDocument(results, { quick: flags.quick });
if (flags.quick) {
  console.log(document);
} else {
  writeFileSync(join(REPO_DIR, 'docs', 'performance.md'), document);
  console.error(`\nwrote docs/performance.md`);
}
