// Benchmark (issue 9): output throughput. One child prints 2 million 100-byte lines
// (`yes <99 x> | head -n 2000000`, 200 MB); each side prefixes every line and writes it to a file:
// `pilot run` (default pretty output, so the log tail and the output hook are fed too), a raw-Node
// baseline that splits and prefixes (bench/fixtures/raw-prefix.mjs), and concurrently 9. Rounds
// alternate the order; medians of MB/s (payload / wall time from spawn to exit) and of CPU seconds
// per 100 MB (user + system of the side and all its children, from the cutime/cstime fields of
// /proc/self/stat, minus the producer's own CPU measured alone in the same rounds).
//
//   node bench/output-throughput.mjs [--quick] [--rounds 5] [--lines 2000000]
//
// PILOT_CLI=<path of pilot.js> measures another build (a copy, while others rebuild core/dist).
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchMarker, killEverything } from './lib/cleanup.mjs';
import { loadAverage } from './lib/children.mjs';
import { isMain, machine, parseFlags, REPO_DIR, saveResult } from './lib/cli.mjs';
import { fmt, median, ratio } from './lib/stats.mjs';

export const targets = { throughputVsConcurrently: 1.5, cpuVsConcurrently: 1 };

const LINE = 'x'.repeat(99);
const CLI = process.env.PILOT_CLI ?? join(REPO_DIR, 'core', 'dist', 'bundle', 'pilot.js');
const CONCURRENTLY = join(REPO_DIR, 'node_modules', 'concurrently', 'dist', 'bin', 'concurrently.js');
const RAW = join(REPO_DIR, 'bench', 'fixtures', 'raw-prefix.mjs');
const TICK_S = 0.01; // USER_HZ is 100 on Linux

/** CPU seconds of this process's reaped children so far (cutime + cstime). */
function childrenCpu() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) * TICK_S;
}

/** Run `argv` with stdout into `file`; wall seconds and CPU seconds of it and its children. */
function timed(argv, file) {
  return new Promise((resolve, reject) => {
    const out = openSync(file, 'w');
    const cpuBefore = childrenCpu();
    const t0 = performance.now();
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', out, 'inherit'] });
    closeSync(out);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const wall = (performance.now() - t0) / 1000;
      if (code !== 0) return reject(new Error(`${argv.join(' ')} exited with ${code ?? signal}`));
      const bytes = statSync(file).size;
      rmSync(file);
      resolve({ wall, cpu: childrenCpu() - cpuBefore, bytes });
    });
  });
}

function sides(dir, lines) {
  const command = `yes ${LINE} | head -n ${lines}`;
  const manifest = join(dir, 'pilot.yaml');
  writeFileSync(manifest, `processes:\n  - name: yes\n    path: /bin/sh\n    args: ['-c', '${command}']\n    shutdown_strategy: do_not_restart\n`);
  return {
    producer: ['/bin/sh', '-c', command],
    pilot: [process.execPath, CLI, 'run', manifest],
    raw: [process.execPath, RAW, command],
    concurrently: [process.execPath, CONCURRENTLY, '--raw=false', command],
  };
}

/** Run the comparison; returns the result saved to bench/results/output-throughput.json. */
export async function run({ quick = false, rounds, lines = 2_000_000 } = {}) {
  rounds ??= quick ? 2 : 5;
  const dir = mkdtempSync(join(tmpdir(), 'pilot-bench-output-'));
  const argvs = sides(dir, lines);
  const names = Object.keys(argvs);
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  const loads = [];
  try {
    for (let round = 0; round < rounds; round += 1) {
      loads.push(loadAverage());
      for (const name of round % 2 === 0 ? names : [...names].reverse()) {
        const sample = await timed(argvs[name], join(dir, `${name}.out`));
        if (name !== 'producer' && sample.bytes < lines * 100) throw new Error(`${name} wrote ${sample.bytes} bytes, fewer than the ${lines * 100} printed`);
        samples[name].push(sample);
        process.stderr.write(`  round ${round + 1}/${rounds} ${name.padEnd(12)} ${fmt(sample.wall, 2)} s wall, ${fmt(sample.cpu, 2)} s CPU\n`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const megabytes = (lines * 100) / 1e6;
  const producerCpu = median(samples.producer.map((s) => s.cpu));
  const summary = Object.fromEntries(
    names.map((name) => {
      const wall = median(samples[name].map((s) => s.wall));
      const cpu = median(samples[name].map((s) => s.cpu));
      return [name, { wall, cpu, mbPerS: megabytes / wall, cpuPer100Mb: ((cpu - (name === 'producer' ? 0 : producerCpu)) * 100) / megabytes }];
    }),
  );
  return { command: `node bench/output-throughput.mjs${quick ? ' --quick' : ''}`, machine: machine(), rounds, lines, megabytes, loads, samples, summary };
}

// From `node --cpu-prof core/dist/bundle/pilot.js run` of the same 2 million lines (self time).
const PROFILE = [
  'Where the time goes (`node --cpu-prof`, self time, 2026-12-01). Before: 1.31 s in all, of which 0.34 s idle (waiting for the producer);',
  'the control-character regular expression 0.14 s, writing 0.11 s, GC 0.10 s, joining the batch 0.08 s, UTF-8 encoding 0.04 s, splitting and',
  'slicing 0.10 s, a `LogLine`, a `process.info()` and a tapable call per line. Now (0.7-0.8 s in all, 0.17-0.26 s of it idle): the write',
  'system calls 0.10 s (the same 216 MB every side writes), GC 0.08 s, the WebAssembly SIMD pass that counts lines and copies the chunk',
  'with its prefixes 0.06 s (it refuses a chunk with a control character, which is then escaped line by line), copying into the write buffer',
  '0.04 s, module loading 0.03 s. No string is made per line: the log tail keeps the chunk undecoded, `hooks.output` is skipped when',
  'nobody taps it, and `pilot run` taps `outputBatch` (one call per chunk). Fixed cost is not the gap: a process that exits at once',
  'takes 0.16-0.20 s under `pilot run` and 0.15-0.17 s under concurrently. The gap is the GC and copies above (about 0.1 s). The target',
  'is out of reach of any consumer here: `yes | head | cat > file` (C, no prefix, no start-up) took 0.44 s when concurrently took 0.68 s,',
  'that is 1.55x; 1.5x concurrently means matching `cat` while also starting Node and the pilot (0.16 s).',
].join(' ');

const vs = (r) => ({
  throughput: ratio(r.summary.pilot.mbPerS, r.summary.concurrently.mbPerS),
  cpu: ratio(r.summary.pilot.cpuPer100Mb, r.summary.concurrently.cpuPer100Mb),
});

/** Summary rows: [metric, measured, target, met]. */
export function headline(r) {
  const { throughput, cpu } = vs(r);
  return [
    ['output throughput, pilot run vs concurrently', `${fmt(r.summary.pilot.mbPerS, 0)} vs ${fmt(r.summary.concurrently.mbPerS, 0)} MB/s = ${fmt(throughput, 2)}x`, `>= ${targets.throughputVsConcurrently}x`, throughput >= targets.throughputVsConcurrently],
    ['output CPU per 100 MB, pilot run vs concurrently', `${fmt(r.summary.pilot.cpuPer100Mb, 2)} vs ${fmt(r.summary.concurrently.cpuPer100Mb, 2)} s = ${fmt(cpu, 2)}x`, `<= ${targets.cpuVsConcurrently}x`, cpu <= targets.cpuVsConcurrently],
  ];
}

/** Markdown section for docs/performance.md. */
export function render(r) {
  const row = (label, s) => `| ${label} | ${fmt(s.wall, 2)} s | ${fmt(s.mbPerS, 0)} MB/s | ${fmt(s.cpu, 2)} s | ${fmt(s.cpuPer100Mb, 2)} s |`;
  const { throughput, cpu } = vs(r);
  return [
    `${r.rounds} rounds, ${r.lines} lines of 100 bytes (${r.megabytes} MB), load average ${r.loads.map((l) => fmt(l, 1)).join(', ')}.`,
    '',
    '| side | wall (median) | throughput | CPU incl. producer | CPU per 100 MB (minus producer) |',
    '|---|---|---|---|---|',
    row('`pilot run` (pretty, into a file)', r.summary.pilot),
    row('raw Node: split + prefix, one write per chunk', r.summary.raw),
    row('concurrently 9', r.summary.concurrently),
    row('the producer alone (`yes | head` into the file)', r.summary.producer),
    '',
    PROFILE,
    '',
    `pilot run against concurrently: ${fmt(throughput, 2)}x the throughput (target >= ${targets.throughputVsConcurrently}x), ${fmt(cpu, 2)}x the CPU per MB (target <= ${targets.cpuVsConcurrently}x). Against raw Node: ${fmt(ratio(r.summary.pilot.mbPerS, r.summary.raw.mbPerS), 2)}x the throughput.`,
  ].join('\n');
}

if (isMain(import.meta.url)) {
  const flags = parseFlags({ quick: false, rounds: 0, lines: 2_000_000 });
  benchMarker();
  try {
    const result = await run({ quick: flags.quick, rounds: flags.rounds || undefined, lines: flags.lines });
    console.log(render(result));
    console.log(`\nsaved ${saveResult('output-throughput', result, { quick: flags.quick })}`);
  } finally {
    killEverything();
  }
}
