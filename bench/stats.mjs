// Benchmark (issue 5): the pilot's own CPU while it samples 200 processes every second
// (stats_interval: 1), as the median of per-second process.cpuUsage() over --duration seconds;
// beside the same pilot holding the same 200 children without sampling (stats_interval: 86400),
// run right after in the same benchmark. Also open fds (/proc/self/fd) and heap (after a forced
// GC) at the start and end of the sampling run, and every 10 s in between.
// `--soak 600` runs only the sampling pilot for that long (issue 5 asks for 10 minutes of
// stable fds and heap) and saves its result apart (bench/results/stats-soak.json).
//
//   node bench/stats.mjs [--quick] [--duration 60] [--children 200]
//   node bench/stats.mjs --soak 600
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchMarker, killEverything } from './lib/cleanup.mjs';
import { loadAverage } from './lib/children.mjs';
import { importCore, isMain, machine, parseFlags, pause, runWorker, saveResult } from './lib/cli.mjs';
import { fmt, summarize } from './lib/stats.mjs';

const SCRIPT = fileURLToPath(import.meta.url);
const WARMUP_MS = 3000; // first samples open pidusage's fds and warm the JIT

export const targets = { cpuPercent: 2 };

const openFds = () => readdirSync('/proc/self/fd').length;
const heapAfterGc = () => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
};
const processCount = () => readdirSync('/proc').filter((name) => /^\d+$/.test(name)).length;

async function worker({ children, durationS, sampling }) {
  const { ProcessManifest, ProcessPilot } = await importCore();
  const manifest = ProcessManifest.fromObject({
    processes: Array.from({ length: children }, (_, i) => ({ name: `c${i}`, path: 'sh', args: ['-c', 'exec sleep 100000'] })),
    stats_interval: sampling ? 1 : 86_400,
    kill_timeout: 60,
  });
  const pilot = new ProcessPilot(manifest, { handleSignals: false });
  // Counters only: the benchmark itself must not grow the heap it measures.
  const rounds = { count: 0, samples: 0, nonZeroCpu: 0 };
  pilot.hooks.statsSample.tap('bench', (samples) => {
    rounds.count += 1;
    rounds.samples += samples.length;
    for (const sample of samples) if (sample.cpu > 0) rounds.nonZeroCpu += 1;
  });
  await pilot.start();
  try {
    await pause(WARMUP_MS);
    const start = { fds: openFds(), heap: heapAfterGc(), rss: process.memoryUsage().rss };
    const series = new Array(Math.ceil(durationS / 10) + 1);
    let points = 0;
    const cpuPerSecond = new Float64Array(durationS);
    let last = process.cpuUsage();
    let lastAt = performance.now();
    const before = { ...rounds };
    for (let s = 1; s <= durationS; s += 1) {
      await pause(1000);
      const usage = process.cpuUsage(last);
      cpuPerSecond[s - 1] = (100 * (usage.user + usage.system)) / 1000 / (performance.now() - lastAt);
      // The forced GC for the heap reading is not counted as the pilot's CPU: measure, then reset.
      if (s % 10 === 0 || s === durationS) series[points++] = { s, fds: openFds(), heap: heapAfterGc(), rss: process.memoryUsage().rss };
      last = process.cpuUsage();
      lastAt = performance.now();
    }
    const end = { fds: openFds(), heap: heapAfterGc(), rss: process.memoryUsage().rss };
    const count = Math.max(1, rounds.count - before.count);
    return {
      sampling,
      durationS,
      cpuPerSecond: [...cpuPerSecond],
      start,
      end,
      series: series.slice(0, points),
      rounds: rounds.count - before.count,
      meanSamplesPerRound: (rounds.samples - before.samples) / count,
      meanNonZeroCpu: (rounds.nonZeroCpu - before.nonZeroCpu) / count,
      processesOnMachine: processCount(),
    };
  } finally {
    await pilot.stop();
  }
}

function summary(result) {
  return { ...result, cpu: summarize(result.cpuPerSecond), cpuPerSecond: result.cpuPerSecond.map((v) => Number(v.toFixed(3))) };
}

/** Run the comparison; returns the result saved to bench/results/stats.json. */
export async function run({ quick = false, duration, children = 200 } = {}) {
  duration ??= quick ? 10 : 60;
  const loads = [loadAverage()];
  const args = (sampling, seconds) => ['--worker', sampling ? 'sampling' : 'idle', '--children', String(children), '--duration', String(seconds)];
  const timeoutMs = (duration + 60) * 1000;
  process.stderr.write(`  sampling pilot, ${duration} s\n`);
  const sampling = await runWorker(SCRIPT, args(true, duration), { nodeArgs: ['--expose-gc'], timeoutMs });
  loads.push(loadAverage());
  const idleSeconds = Math.min(duration, 30);
  process.stderr.write(`  same pilot without sampling, ${idleSeconds} s\n`);
  const idle = await runWorker(SCRIPT, args(false, idleSeconds), { nodeArgs: ['--expose-gc'], timeoutMs });
  loads.push(loadAverage());
  return {
    name: 'stats',
    machine: machine(),
    command: `node bench/stats.mjs${quick ? ' --quick' : duration !== 60 ? ` --duration ${duration}` : ''}`,
    children,
    loadAverage: { min: Math.min(...loads), max: Math.max(...loads) },
    sampling: summary(sampling),
    idle: summary(idle),
  };
}

/** The soak run alone; returns the result saved to bench/results/stats-soak.json. */
export async function soak({ seconds, children = 200 }) {
  const loads = [loadAverage()];
  const result = await runWorker(SCRIPT, ['--worker', 'sampling', '--children', String(children), '--duration', String(seconds)], {
    nodeArgs: ['--expose-gc'],
    timeoutMs: (seconds + 120) * 1000,
  });
  loads.push(loadAverage());
  return { name: 'stats-soak', machine: machine(), command: `node bench/stats.mjs --soak ${seconds}`, children, loadAverage: { min: Math.min(...loads), max: Math.max(...loads) }, sampling: summary(result) };
}

/** Summary rows: [metric, measured, target, met]. */
export function headline(r, soakResult) {
  const s = soakResult?.sampling ?? r.sampling;
  return [
    [`pilot CPU sampling ${r.children} processes every second`, `${fmt(r.sampling.cpu.median, 2)}% median over ${r.sampling.durationS} s`, `<= ${targets.cpuPercent}% of one core`, r.sampling.cpu.median <= targets.cpuPercent],
    [
      `open fds and heap over ${s.durationS} s of sampling`,
      `fds ${s.start.fds} -> ${s.end.fds}, heap ${fmt(s.start.heap / 2 ** 20, 2)} -> ${fmt(s.end.heap / 2 ** 20, 2)} MiB`,
      'stable (issue: over 10 minutes)',
      s.end.fds <= s.start.fds + 5 && s.end.heap <= s.start.heap * 1.1 ? (s.durationS >= 600 ? true : undefined) : false,
    ],
  ];
}

const mib = (bytes) => fmt(bytes / 2 ** 20, 2);

/** Markdown section for docs/performance.md (the soak result, if any, is rendered below it). */
export function render(r, soakResult) {
  const s = r.sampling;
  const met = s.cpu.median <= targets.cpuPercent ? 'yes' : '**no**';
  const lines = [
    `${r.children} children, one sampling round a second; the pilot's CPU per second over ${s.durationS} s (after a ${WARMUP_MS / 1000} s warm-up), then the same pilot without sampling for ${r.idle.durationS} s.`,
    '',
    '| pilot CPU, % of one core | median | p95 | max | target | met? |',
    '|---|---|---|---|---|---|',
    `| sampling 200 processes every second | ${fmt(s.cpu.median, 2)}% | ${fmt(s.cpu.p95, 2)}% | ${fmt(s.cpu.max, 2)}% | <= ${targets.cpuPercent}% | ${met} |`,
    `| same pilot, no sampling (reference) | ${fmt(r.idle.cpu.median, 2)}% | ${fmt(r.idle.cpu.p95, 2)}% | ${fmt(r.idle.cpu.max, 2)}% | | |`,
    '',
    `${s.rounds} sampling rounds were delivered in ${s.durationS} s with ${fmt(s.meanSamplesPerRound, 0)} samples each (${fmt(s.meanNonZeroCpu, 1)} per round with CPU > 0: idle \`sleep\`s use none). ` +
      `${s.processesOnMachine} processes were on the machine; load average ${fmt(r.loadAverage.min, 2)}-${fmt(r.loadAverage.max, 2)}.`,
    '',
    fdHeapTable(s, `${s.durationS} s sampling run`),
  ];
  if (soakResult) {
    lines.push('', `Soak run (\`${soakResult.command}\`, ${soakResult.machine.date.slice(0, 10)}, commit ${soakResult.machine.commit}): CPU median ${fmt(soakResult.sampling.cpu.median, 2)}%, p95 ${fmt(soakResult.sampling.cpu.p95, 2)}% over ${soakResult.sampling.durationS} s.`, '', fdHeapTable(soakResult.sampling, `${soakResult.sampling.durationS} s soak`));
  } else {
    lines.push('', 'No soak run recorded yet (`node bench/stats.mjs --soak 600`).');
  }
  return lines.join('\n');
}

function fdHeapTable(s, label) {
  const fds = s.series.map((p) => p.fds);
  const heaps = s.series.map((p) => p.heap);
  return [
    `| ${label} | at start | at end | min-max every 10 s |`,
    '|---|---|---|---|',
    `| open fds | ${s.start.fds} | ${s.end.fds} | ${Math.min(...fds)}-${Math.max(...fds)} |`,
    `| heap used after GC | ${mib(s.start.heap)} MiB | ${mib(s.end.heap)} MiB | ${mib(Math.min(...heaps))}-${mib(Math.max(...heaps))} MiB |`,
    `| RSS | ${mib(s.start.rss)} MiB | ${mib(s.end.rss)} MiB | ${s.series[0]?.rss ? `${mib(Math.min(...s.series.map((p) => p.rss)))}-${mib(Math.max(...s.series.map((p) => p.rss)))} MiB` : ''} |`,
  ].join('\n');
}

if (isMain(import.meta.url)) {
  const flags = parseFlags({ quick: false, duration: 0, children: 200, soak: 0, worker: '' });
  benchMarker();
  try {
    if (flags.worker) {
      console.log(JSON.stringify(await worker({ children: flags.children, durationS: flags.duration, sampling: flags.worker === 'sampling' })));
    } else if (flags.soak) {
      const result = await soak({ seconds: flags.soak, children: flags.children });
      console.log(fdHeapTable(result.sampling, `${flags.soak} s soak`));
      console.log(`\nsaved ${saveResult('stats-soak', result)}`);
    } else {
      const result = await run({ quick: flags.quick, duration: flags.duration || undefined, children: flags.children });
      console.log(render(result));
      console.log(`\nsaved ${saveResult('stats', result, { quick: flags.quick })}`);
    }
  } finally {
    killEverything();
  }
}
