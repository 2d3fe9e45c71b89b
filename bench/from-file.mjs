// Benchmark (issue 11): the path users take, from a YAML file to 200 running children.
// `ProcessManifest.fromFile` of a 200-process manifest + `new ProcessPilot` + `start()` until all
// `sh -c 'exec sleep 1000'` are spawned, then stop() until all are gone and RSS while holding them,
// against the same manifest given as an object (`fromObject`, what bench/start-stop.mjs measures)
// and a raw-Node baseline spawning the same children itself, each round in a fresh node process,
// sides alternating. Also the cost of `fromFile` alone: cold (the first call of the process, every
// module and JIT state fresh) and warm (a second call in the same process).
//
//   node bench/from-file.mjs [--quick] [--rounds 7] [--children 200]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchMarker, killEverything } from './lib/cleanup.mjs';
import { spawnRaw } from './lib/children.mjs';
import { importCore, isMain, machine, parseFlags, pause, runWorker, saveResult } from './lib/cli.mjs';
import { fmt, median, ratio } from './lib/stats.mjs';

const SCRIPT = fileURLToPath(import.meta.url);
const HOLD_MS = 500;

export const targets = { start: 1.2, stop: 2, rss: 1.3 };

/** The manifest of `count` children, as an object and as the YAML a person would write. */
function manifestOf(count) {
  const processes = Array.from({ length: count }, (_, i) => ({ name: `c${i}`, path: 'sh', args: ['-c', 'exec sleep 1000'] }));
  const yaml = ['kill_timeout: 60', 'processes:', ...processes.map((p) => `  - name: ${p.name}\n    path: sh\n    args: ["-c", "exec sleep 1000"]`), ''].join('\n');
  return { object: { processes, kill_timeout: 60 }, yaml };
}

/** Live (non-zombie) pids among `identities` that still have the start time recorded for them. */
function survivors(identities) {
  const startOf = (pid) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1).split(' ');
      return fields[0] === 'Z' ? undefined : fields[19];
    } catch {
      return undefined;
    }
  };
  return identities.filter(({ pid, start }) => start !== undefined && startOf(pid) === start).length;
}
const identify = (pids) => pids.map((pid) => ({ pid, start: readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1).split(' ')[19] }));

/** One side of a round: `file` and `object` run the pilot, `raw` spawns and kills the children itself. */
async function worker(side, count, file) {
  const core = side === 'raw' ? undefined : await importCore();
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  let loadMs;
  let stop;
  let pids;
  if (side === 'raw') {
    const children = await Promise.all(Array.from({ length: count }, () => spawnRaw('sh', ['-c', 'exec sleep 1000'])));
    pids = children.map((c) => c.pid);
    stop = async () => {
      for (const pid of pids) process.kill(-pid, 'SIGTERM');
      await Promise.all(children.map((c) => c.exited));
    };
  } else {
    const { ProcessManifest, ProcessPilot } = core;
    const manifest = side === 'file' ? await ProcessManifest.fromFile(file) : ProcessManifest.fromObject(manifestOf(count).object);
    loadMs = performance.now() - t0;
    const pilot = new ProcessPilot(manifest, { handleSignals: false });
    await pilot.start();
    pids = pilot.getRunningProcess().filter((p) => p.status === 'running' && p.pid).map((p) => p.pid);
    stop = () => pilot.stop();
  }
  const startMs = performance.now() - t0;
  if (pids.length !== count) throw new Error(`${side}: only ${pids.length}/${count} running`);
  const identities = identify(pids);
  await pause(HOLD_MS);
  const { rss } = process.memoryUsage();
  const t2 = performance.now();
  await stop();
  const stopMs = performance.now() - t2;
  let warmMs;
  if (side === 'file') {
    const t3 = performance.now();
    await core.ProcessManifest.fromFile(file);
    warmMs = performance.now() - t3;
  }
  return { startMs, stopMs, rss, rssBefore, loadMs, warmMs, survivors: survivors(identities) };
}

/** Run the comparison; returns the result saved to bench/results/from-file.json. */
export async function run({ quick = false, rounds, children = 200 } = {}) {
  rounds ??= quick ? 2 : 7;
  const dir = mkdtempSync(join(tmpdir(), 'pilot-bench-file-'));
  const file = join(dir, 'pilot.yaml');
  writeFileSync(file, manifestOf(children).yaml);
  const samples = { file: [], object: [], raw: [] };
  try {
    for (let round = 0; round < rounds; round += 1) {
      const sides = round % 2 === 0 ? ['file', 'object', 'raw'] : ['raw', 'object', 'file'];
      for (const side of sides) {
        const result = await runWorker(SCRIPT, ['--worker', side, '--children', String(children), '--file', file]);
        if (result.survivors > 0) throw new Error(`${side}: ${result.survivors} children survived the stop`);
        samples[side].push(result);
        process.stderr.write(`  round ${round + 1}/${rounds} ${side.padEnd(6)} start ${fmt(result.startMs)} ms  stop ${fmt(result.stopMs)} ms  rss ${fmt(result.rss / 2 ** 20)} MiB\n`);
      }
      await pause(200);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const of = (side, key, scale = 1) => median(samples[side].map((s) => s[key])) / scale;
  const metric = (key, scale) => ({ file: of('file', key, scale), object: of('object', key, scale), raw: of('raw', key, scale), ratio: ratio(of('file', key, scale), of('raw', key, scale)) });
  return {
    name: 'from-file',
    machine: machine(),
    command: `node bench/from-file.mjs${quick ? ' --quick' : ''}`,
    children,
    rounds,
    start: { ...metric('startMs'), all: { file: samples.file.map((s) => s.startMs), object: samples.object.map((s) => s.startMs), raw: samples.raw.map((s) => s.startMs) } },
    stop: metric('stopMs'),
    rss: metric('rss', 2 ** 20),
    load: { cold: of('file', 'loadMs'), warm: of('file', 'warmMs'), object: of('object', 'loadMs') },
  };
}

/** Summary rows: [metric, measured, target, met, note]. */
export function headline(r) {
  const by = (v, t) => (v > t ? `missed by ${fmt(100 * (v / t - 1), 1)}%` : undefined);
  const row = (what, m, unit, target) => [what, `${fmt(m.file, 0)} ${unit} vs raw ${fmt(m.raw, 0)} ${unit} = ${fmt(m.ratio, 2)}x`, `<= ${target}x raw`, m.ratio <= target, by(m.ratio, target)];
  return [
    row(`from a YAML file: ${r.children} children to all running`, r.start, 'ms', targets.start),
    row(`from a YAML file: stop() of ${r.children}`, r.stop, 'ms', targets.stop),
    row(`from a YAML file: RSS holding ${r.children}`, r.rss, 'MiB', targets.rss),
  ];
}

/** Markdown section. */
export function render(r) {
  const met = (value, target) => (value <= target ? 'yes' : '**no**');
  const row = (what, m, unit, target) =>
    `| ${what} | ${fmt(m.file)} ${unit} | ${fmt(m.object)} ${unit} | ${fmt(m.raw)} ${unit} | ${fmt(m.ratio, 2)}x (object: ${fmt(ratio(m.object, m.raw), 2)}x) | <= ${target}x | ${met(m.ratio, target)} |`;
  return [
    `${r.children} children \`sh -c 'exec sleep 1000'\` from one YAML file (\`ProcessManifest.fromFile\`), from the same manifest as an object (\`fromObject\`) and raw Node, ${r.rounds} rounds per side, alternating, each in a fresh node process that has imported @pilot/core before the clock starts (as in start-stop).`,
    '',
    '| metric (median) | from the file | from an object | raw Node | ratio, file to raw | target | met? |',
    '|---|---|---|---|---|---|---|',
    row(`to all ${r.children} running`, r.start, 'ms', targets.start),
    row('stop() to all gone', r.stop, 'ms', targets.stop),
    row(`RSS holding ${r.children}`, r.rss, 'MiB', targets.rss),
    '',
    `\`ProcessManifest.fromFile\` of the ${r.children}-process file: ${fmt(r.load.cold)} ms cold (first call in the process), ${fmt(r.load.warm)} ms warm (a second call); \`fromObject\` of the same manifest ${fmt(r.load.object)} ms (first call).`,
    `Every round, to all running: file ${r.start.all.file.map((v) => fmt(v, 0)).join(', ')} ms; object ${r.start.all.object.map((v) => fmt(v, 0)).join(', ')} ms; raw ${r.start.all.raw.map((v) => fmt(v, 0)).join(', ')} ms.`,
  ].join('\n');
}

if (isMain(import.meta.url)) {
  const flags = parseFlags({ quick: false, rounds: 0, children: 200, worker: '', file: '' });
  benchMarker();
  try {
    if (flags.worker) console.log(JSON.stringify(await worker(flags.worker, flags.children, flags.file)));
    else {
      const result = await run({ quick: flags.quick, rounds: flags.rounds || undefined, children: flags.children });
      console.log(render(result));
      console.log(`\nsaved ${saveResult('from-file', result, { quick: flags.quick })}`);
    }
  } finally {
    killEverything();
  }
}
