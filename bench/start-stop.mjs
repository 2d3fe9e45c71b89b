// Benchmark (issue 2): 200 light children (`sh -c 'exec sleep 1000'`) from manifest to all
// running, and from stop() to all gone, under the pilot and under a raw-Node baseline that spawns
// the same children directly (detached, pipes read) and kills their groups, waiting for 'exit'.
// Each side runs in its own fresh node process per round (so RSS is comparable), rounds
// alternate pilot/raw, and we report medians and ratios from the same run.
//
//   node bench/start-stop.mjs [--quick] [--rounds 7] [--children 200]
//   node bench/start-stop.mjs --candidate /tmp/core-copy/dist/index.js
//       adds a third side, a candidate build of core (e.g. with a fix applied), in the same run;
//       such a result is saved under bench/results/patched/ only
import { fileURLToPath } from 'node:url';
import { benchMarker, killEverything } from './lib/cleanup.mjs';
import { readFileSync } from 'node:fs';
import { argvOf, childPids, loadAverage, rssOf, spawnRaw } from './lib/children.mjs';
import { importCore, isMain, machine, parseFlags, pause, runWorker, saveResult } from './lib/cli.mjs';
import { fmt, median, ratio } from './lib/stats.mjs';

const SCRIPT = fileURLToPath(import.meta.url);
const COMMAND = ['sh', ['-c', 'exec sleep 1000']];
const HOLD_MS = 500; // both sides hold their children this long before RSS is read

export const targets = { start: 1.2, stop: 2, rss: 1.3 };

/** Field 22 of /proc/<pid>/stat (start time), undefined for a zombie or a free pid. */
function startTimeOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1).split(' ');
    return fields[0] === 'Z' ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

/** Pids with their start times, so a survivor check never counts a stranger that reused a pid after the stop. */
const identify = (pids) => pids.map((pid) => ({ pid, start: startTimeOf(pid) }));
const survivorsOf = (identities) => identities.filter(({ pid, start }) => start !== undefined && startTimeOf(pid) === start).length;

async function workerPilot(count) {
  const { ProcessManifest, ProcessPilot } = await importCore();
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const manifest = ProcessManifest.fromObject({
    processes: Array.from({ length: count }, (_, i) => ({ name: `c${i}`, path: COMMAND[0], args: COMMAND[1] })),
    kill_timeout: 60,
  });
  const pilot = new ProcessPilot(manifest, { handleSignals: false });
  await pilot.start();
  const startMs = performance.now() - t0;
  const pids = pilot.getRunningProcess().filter((p) => p.status === 'running' && p.pid).map((p) => p.pid);
  if (pids.length !== count) throw new Error(`pilot: only ${pids.length}/${count} running`);
  const identities = identify(pids);
  await pause(HOLD_MS);
  const { rss, heapUsed } = process.memoryUsage();
  // Helper processes the pilot runs beside its children (the lifeline watchdog is a node process).
  const helpers = childPids().filter((pid) => !pids.includes(pid));
  const helperRss = helpers.reduce((sum, pid) => sum + (rssOf(pid) || 0), 0);
  const helperArgv = helpers.map((pid) => argvOf(pid).slice(0, 2).join(' ').slice(0, 60));
  const t2 = performance.now();
  await pilot.stop();
  const stopMs = performance.now() - t2;
  const survivors = survivorsOf(identities);
  return { startMs, stopMs, rss, rssBefore, heapUsed, survivors, helperRss, helpers: helperArgv };
}

async function workerRaw(count) {
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const children = await Promise.all(Array.from({ length: count }, () => spawnRaw(COMMAND[0], COMMAND[1])));
  const startMs = performance.now() - t0;
  const identities = identify(children.map((c) => c.pid));
  await pause(HOLD_MS);
  const { rss, heapUsed } = process.memoryUsage();
  const t2 = performance.now();
  for (const { pid } of children) process.kill(-pid, 'SIGTERM');
  await Promise.all(children.map((c) => c.exited));
  const stopMs = performance.now() - t2;
  const survivors = survivorsOf(identities);
  return { startMs, stopMs, rss, rssBefore, heapUsed, survivors };
}

/** Run the whole comparison; returns the result object saved to bench/results/start-stop.json. */
export async function run({ quick = false, rounds, children = 200, candidate } = {}) {
  rounds ??= quick ? 2 : 7;
  const samples = { pilot: [], raw: [], candidate: [] };
  const sides = candidate ? ['pilot', 'raw', 'candidate'] : ['pilot', 'raw'];
  const loads = [];
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      loads.push(loadAverage());
      const env = side === 'candidate' ? { PILOT_BENCH_CORE: candidate } : {};
      const result = await runWorker(SCRIPT, ['--worker', side === 'raw' ? 'raw' : 'pilot', '--children', String(children)], { env });
      if (result.survivors > 0) throw new Error(`${side}: ${result.survivors} children survived the stop`);
      samples[side].push(result);
      process.stderr.write(`  round ${round + 1}/${rounds} ${side.padEnd(9)} start ${fmt(result.startMs)} ms  stop ${fmt(result.stopMs)} ms  rss ${fmt(result.rss / 2 ** 20)} MiB\n`);
    }
    await pause(200);
  }
  const pick = (side, key) => samples[side].map((s) => s[key]);
  const metric = (key, scale = 1) => {
    const pilot = median(pick('pilot', key)) / scale;
    const raw = median(pick('raw', key)) / scale;
    return { pilot, raw, ratio: ratio(pilot, raw), pilotAll: pick('pilot', key).map((v) => v / scale), rawAll: pick('raw', key).map((v) => v / scale) };
  };
  return {
    name: 'start-stop',
    machine: machine(),
    command: `node bench/start-stop.mjs${quick ? ' --quick' : ''}`,
    children,
    rounds,
    holdMs: HOLD_MS,
    loadAverage: { min: Math.min(...loads), max: Math.max(...loads) },
    start: metric('startMs'),
    stop: metric('stopMs'),
    rss: metric('rss', 2 ** 20),
    rssBefore: metric('rssBefore', 2 ** 20),
    heap: metric('heapUsed', 2 ** 20),
    helperRss: median(pick('pilot', 'helperRss')) / 2 ** 20,
    helpers: samples.pilot[0]?.helpers ?? [],
    candidate: candidate
      ? {
          core: candidate,
          start: median(pick('candidate', 'startMs')),
          stop: median(pick('candidate', 'stopMs')),
          rss: median(pick('candidate', 'rss')) / 2 ** 20,
          startAll: pick('candidate', 'startMs'),
          stopAll: pick('candidate', 'stopMs'),
        }
      : undefined,
  };
}

/** Summary rows: [metric, measured, target, met]. */
export function headline(r) {
  const ok = (v, t) => (Number.isFinite(v) ? v <= t : undefined);
  const by = (v, t) => (v > t ? `missed by ${fmt(100 * (v / t - 1), 1)}%` : undefined);
  return [
    [`${r.children} children: manifest to all running`, `${fmt(r.start.pilot, 0)} ms vs raw ${fmt(r.start.raw, 0)} ms = ${fmt(r.start.ratio, 2)}x`, `<= ${targets.start}x raw`, ok(r.start.ratio, targets.start), by(r.start.ratio, targets.start)],
    [`${r.children} children: stop() to all gone`, `${fmt(r.stop.pilot, 0)} ms vs raw ${fmt(r.stop.raw, 0)} ms = ${fmt(r.stop.ratio, 2)}x`, `<= ${targets.stop}x raw`, ok(r.stop.ratio, targets.stop), by(r.stop.ratio, targets.stop)],
    [`RSS holding ${r.children} children`, `${fmt(r.rss.pilot)} MiB vs raw ${fmt(r.rss.raw)} MiB = ${fmt(r.rss.ratio, 2)}x`, `<= ${targets.rss}x raw`, ok(r.rss.ratio, targets.rss), by(r.rss.ratio, targets.rss)],
  ];
}

/** Markdown section for docs/performance.md. */
export function render(r) {
  const met = (value, target) => (Number.isFinite(value) ? (value <= target ? 'yes' : '**no**') : '-');
  const row = (what, m, unit, target) =>
    `| ${what} | ${fmt(m.pilot)} ${unit} | ${fmt(m.raw)} ${unit} | ${fmt(m.ratio, 2)}x | <= ${target}x | ${met(m.ratio, target)} |`;
  return [
    `${r.children} children \`sh -c 'exec sleep 1000'\`, ${r.rounds} rounds per side, alternating pilot/raw, each round in a fresh node process.`,
    '',
    '| metric (median) | pilot | raw Node | ratio | target | met? |',
    '|---|---|---|---|---|---|',
    row(`manifest to all ${r.children} running`, r.start, 'ms', targets.start),
    row('stop() to all gone', r.stop, 'ms', targets.stop),
    row(`RSS holding ${r.children} children`, r.rss, 'MiB', targets.rss),
    '',
    `Every round: pilot start ${r.start.pilotAll.map((v) => fmt(v, 0)).join(', ')} ms; raw ${r.start.rawAll.map((v) => fmt(v, 0)).join(', ')} ms. ` +
      `Pilot stop ${r.stop.pilotAll.map((v) => fmt(v, 0)).join(', ')} ms; raw ${r.stop.rawAll.map((v) => fmt(v, 0)).join(', ')} ms.`,
    `RSS of the same processes before spawning anything: pilot ${fmt(r.rssBefore.pilot)} MiB (core and its dependencies imported), raw ${fmt(r.rssBefore.raw)} MiB; ` +
      `RSS grows by ${fmt(r.rss.pilot - r.rssBefore.pilot)} MiB (pilot) vs ${fmt(r.rss.raw - r.rssBefore.raw)} MiB (raw) for ${r.children} children. ` +
      `RSS is read after holding the children ${r.holdMs} ms, no forced GC. Load average during the run: ${fmt(r.loadAverage.min, 2)}-${fmt(r.loadAverage.max, 2)}.`,
    r.helpers?.length
      ? `Not counted above: the pilot also runs ${r.helpers.length} helper process${r.helpers.length > 1 ? 'es' : ''} (\`${r.helpers.join('`, `')}\`: the lifeline watchdog) with ${fmt(r.helperRss)} MiB RSS; pilot plus helpers hold ${fmt(r.rss.pilot + r.helperRss)} MiB, ${fmt(ratio(r.rss.pilot + r.helperRss, r.rss.raw), 2)}x the raw baseline.`
      : '',
    r.candidate
      ? `\nCandidate build ${r.candidate.core} in the same run: start ${fmt(r.candidate.start)} ms (${fmt(ratio(r.candidate.start, r.start.raw), 2)}x raw), stop ${fmt(r.candidate.stop)} ms (${fmt(ratio(r.candidate.stop, r.stop.raw), 2)}x raw), RSS ${fmt(r.candidate.rss)} MiB (${fmt(ratio(r.candidate.rss, r.rss.raw), 2)}x raw).`
      : '',
  ].join('\n');
}

if (isMain(import.meta.url)) {
  const flags = parseFlags({ quick: false, rounds: 0, children: 200, worker: '', candidate: '' });
  benchMarker();
  try {
    if (flags.worker) {
      const result = flags.worker === 'pilot' ? await workerPilot(flags.children) : await workerRaw(flags.children);
      console.log(JSON.stringify(result));
    } else {
      const result = await run({ quick: flags.quick, rounds: flags.rounds || undefined, children: flags.children, candidate: flags.candidate || undefined });
      console.log(render(result));
      console.log(`\nsaved ${saveResult('start-stop', result, { quick: flags.quick, patched: Boolean(flags.candidate) })}`);
    }
  } finally {
    killEverything();
  }
}
