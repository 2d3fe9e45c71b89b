// Benchmark (issue 2): restart latency of a crashing child. A child (`sh -c 'exec sleep 1000'`)
// is SIGKILLed and we time until its replacement is spawned (pid known):
//   - pilot: restart_backoff.initial_delay 0, crashProcess(name), until the `spawn` hook;
//   - raw Node: on 'exit', spawn the same command again, until the new child's 'spawn' event.
// Both are timed from the kill; we also report 'exit' event -> replacement spawned, which is
// the supervisor's own reaction time. Each side runs in its own node process, blocks of trials
// alternate between the sides.
//
//   node bench/restart.mjs [--quick] [--trials 40]
//   node bench/restart.mjs --candidate /tmp/core-copy/dist/index.js   (a third side: a candidate
//       build of core in the same run; saved under bench/results/patched/ only)
import { fileURLToPath } from 'node:url';
import { benchMarker, killEverything } from './lib/cleanup.mjs';
import { loadAverage, spawnRaw } from './lib/children.mjs';
import { importCore, isMain, machine, parseFlags, pause, runWorker, saveResult } from './lib/cli.mjs';
import { fmt, ratio, summarize } from './lib/stats.mjs';

const SCRIPT = fileURLToPath(import.meta.url);
const COMMAND = ['sh', ['-c', 'exec sleep 1000']];
const SETTLE_MS = 30; // between trials, so one restart never overlaps the next crash

export const targets = { restart: 1.2 };

async function workerPilot(trials) {
  const { ProcessManifest, ProcessPilot } = await importCore();
  const manifest = ProcessManifest.fromObject({
    processes: [{ name: 'crasher', path: COMMAND[0], args: COMMAND[1], restart_backoff: { initial_delay: 0, reset_after: 0 }, max_restarts: null }],
  });
  const pilot = new ProcessPilot(manifest, { handleSignals: false });
  let onSpawn;
  let exitAt;
  pilot.hooks.exit.tap('bench', () => (exitAt = performance.now()));
  pilot.hooks.spawn.tap('bench', () => onSpawn?.(performance.now()));
  await pilot.start();
  const fromKill = [];
  const fromExit = [];
  try {
    for (let i = 0; i < trials; i += 1) {
      await pause(SETTLE_MS);
      const before = pilot.getRunningProcess('crasher');
      if (before.status !== 'running') throw new Error(`crasher is ${before.status}: ${before.reason ?? ''}`);
      const spawned = new Promise((resolve) => (onSpawn = resolve));
      const t0 = performance.now();
      pilot.crashProcess('crasher');
      const t1 = await spawned;
      fromKill.push(t1 - t0);
      fromExit.push(t1 - exitAt);
      await pilot.waitFor('crasher', 'running', 5000);
    }
  } finally {
    await pilot.stop();
  }
  return { fromKill, fromExit };
}

async function workerRaw(trials) {
  let current = await spawnRaw(COMMAND[0], COMMAND[1]);
  const fromKill = [];
  const fromExit = [];
  try {
    for (let i = 0; i < trials; i += 1) {
      await pause(SETTLE_MS);
      const t0 = performance.now();
      // The respawn is driven by 'exit', as a minimal supervisor would do it.
      const replaced = new Promise((resolve, reject) => {
        current.child.once('exit', () => {
          const exitAt = performance.now();
          spawnRaw(COMMAND[0], COMMAND[1]).then((next) => resolve({ next, exitAt, spawnedAt: performance.now() }), reject);
        });
      });
      process.kill(current.pid, 'SIGKILL');
      const { next, exitAt, spawnedAt } = await replaced;
      fromKill.push(spawnedAt - t0);
      fromExit.push(spawnedAt - exitAt);
      current = next;
    }
  } finally {
    process.kill(-current.pid, 'SIGKILL');
    await current.exited;
  }
  return { fromKill, fromExit };
}

/** Run the comparison; returns the result saved to bench/results/restart.json. */
export async function run({ quick = false, trials, candidate } = {}) {
  trials ??= quick ? 10 : 40;
  const block = Math.min(10, trials);
  const blocks = Math.ceil(trials / block);
  const all = { pilot: { fromKill: [], fromExit: [] }, raw: { fromKill: [], fromExit: [] }, candidate: { fromKill: [], fromExit: [] } };
  const sides = candidate ? ['pilot', 'raw', 'candidate'] : ['pilot', 'raw'];
  const loads = [];
  for (let b = 0; b < blocks; b += 1) {
    for (const side of b % 2 === 0 ? sides : [...sides].reverse()) {
      loads.push(loadAverage());
      const env = side === 'candidate' ? { PILOT_BENCH_CORE: candidate } : {};
      const result = await runWorker(SCRIPT, ['--worker', side === 'raw' ? 'raw' : 'pilot', '--trials', String(block)], { env });
      all[side].fromKill.push(...result.fromKill);
      all[side].fromExit.push(...result.fromExit);
      process.stderr.write(`  block ${b + 1}/${blocks} ${side.padEnd(9)} median kill->spawned ${fmt(summarize(result.fromKill).median, 2)} ms\n`);
    }
  }
  const side = (s) => ({ fromKill: summarize(all[s].fromKill), fromExit: summarize(all[s].fromExit), samples: all[s] });
  const pilot = side('pilot');
  const raw = side('raw');
  return {
    name: 'restart',
    machine: machine(),
    command: `node bench/restart.mjs${quick ? ' --quick' : ''}`,
    trials: all.pilot.fromKill.length,
    loadAverage: { min: Math.min(...loads), max: Math.max(...loads) },
    pilot,
    raw,
    ratio: { median: ratio(pilot.fromKill.median, raw.fromKill.median), p95: ratio(pilot.fromKill.p95, raw.fromKill.p95) },
    candidate: candidate ? { core: candidate, ...side('candidate') } : undefined,
  };
}

/** Summary rows: [metric, measured, target, met]. */
export function headline(r) {
  return [
    ['restart after a crash (kill -> replacement spawned)', `${fmt(r.pilot.fromKill.median, 2)} ms vs raw ${fmt(r.raw.fromKill.median, 2)} ms = ${fmt(r.ratio.median, 2)}x`, `<= ${targets.restart}x raw`, r.ratio.median <= targets.restart],
  ];
}

/** Markdown section for docs/performance.md. */
export function render(r) {
  const met = r.ratio.median <= targets.restart ? 'yes' : '**no**';
  return [
    `${r.trials} crashes per side (SIGKILL), in blocks of 10 alternating pilot/raw, each block in a fresh node process; \`restart_backoff.initial_delay: 0\`.`,
    '',
    '| restart latency | pilot median | pilot p95 | raw median | raw p95 | ratio (median) | target | met? |',
    '|---|---|---|---|---|---|---|---|',
    `| kill -> replacement spawned | ${fmt(r.pilot.fromKill.median, 2)} ms | ${fmt(r.pilot.fromKill.p95, 2)} ms | ${fmt(r.raw.fromKill.median, 2)} ms | ${fmt(r.raw.fromKill.p95, 2)} ms | ${fmt(r.ratio.median, 2)}x | <= ${targets.restart}x | ${met} |`,
    `| 'exit' event -> replacement spawned | ${fmt(r.pilot.fromExit.median, 2)} ms | ${fmt(r.pilot.fromExit.p95, 2)} ms | ${fmt(r.raw.fromExit.median, 2)} ms | ${fmt(r.raw.fromExit.p95, 2)} ms | ${fmt(ratio(r.pilot.fromExit.median, r.raw.fromExit.median), 2)}x | (detail) | |`,
    '',
    `Load average during the run: ${fmt(r.loadAverage.min, 2)}-${fmt(r.loadAverage.max, 2)}. For scale: supervisord restarts a crashed child after about 1 s.`,
    r.candidate
      ? `\nCandidate build ${r.candidate.core} in the same run: kill -> spawned ${fmt(r.candidate.fromKill.median, 2)} ms median (${fmt(ratio(r.candidate.fromKill.median, r.raw.fromKill.median), 2)}x raw), p95 ${fmt(r.candidate.fromKill.p95, 2)} ms.`
      : '',
  ].join('\n');
}

if (isMain(import.meta.url)) {
  const flags = parseFlags({ quick: false, trials: 0, worker: '', candidate: '' });
  benchMarker();
  try {
    if (flags.worker) {
      const result = flags.worker === 'pilot' ? await workerPilot(flags.trials) : await workerRaw(flags.trials);
      console.log(JSON.stringify(result));
    } else {
      const result = await run({ quick: flags.quick, trials: flags.trials || undefined, candidate: flags.candidate || undefined });
      console.log(render(result));
      console.log(`\nsaved ${saveResult('restart', result, { quick: flags.quick, patched: Boolean(flags.candidate) })}`);
    }
  } finally {
    killEverything();
  }
}
