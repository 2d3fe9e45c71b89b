// Benchmark (issue 4): from `pilot run` invocation until the first child is spawned, beside
// `node -e 0` (Node's own start and exit) measured in the same run, runs alternating. The child
// is `bash -c 'echo $EPOCHREALTIME > $STAMP; exec sleep 1000'`: bash writes the wall-clock time
// with a builtin (no extra exec), about 1-2 ms after the pilot's spawn; the invocation time is
// Date.now() right before spawn() (a fresh wall-clock reading: 1 ms resolution, no drift). Also shown: a node process that only imports @pilot/core, to tell
// module loading from the CLI's own work. After each run the pilot gets SIGINT and must exit,
// leaving no child behind. Also timed, start to exit, in the same rounds: `pilot validate` of a
// manifest using three plugins (http readiness, jsonl stats, the http control server: each imported
// from its package) and `pilot --version` (issue 11).
//
//   node bench/cli-start.mjs [--quick] [--runs 20]
//   node bench/cli-start.mjs --candidate /tmp/core-copy/dist/cli/main.js   (a candidate build
//       timed in the same run; saved under bench/results/patched/ only)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchMarker, killEverything, markedPids } from './lib/cleanup.mjs';
import { isMain, machine, parseFlags, pause, REPO_DIR, saveResult, waitUntil } from './lib/cli.mjs';
import { fmt, summarize } from './lib/stats.mjs';

const CLI = join(REPO_DIR, 'core', 'dist', 'bundle', 'pilot.js');
// What `import '@pilot/core'` loads (the package's exports point at the bundle).
const CORE = join(REPO_DIR, 'core', 'dist', 'bundle', 'index.js');

export const targets = { overheadMs: 60, validateMs: 150 };

/** A manifest naming one readiness strategy, one stats handler and one control server from three plugin packages. */
const THREE_PLUGINS = [
  'control_server: { name: http }',
  'processes:',
  '  - name: web',
  '    path: node',
  '    args: ["-e", "0"]',
  '    ready_strategy: http',
  '    ready_params: { port: 8080 }',
  '    stat_handlers: [jsonl]',
  '',
].join('\n');

/** Spawn `node args` and resolve with ms from just before spawn() to its 'exit'. */
function timeNode(args, cwd) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: 'ignore', cwd });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`node ${args.join(' ')} exited ${code}`))));
  });
}

async function timePilotRun(dir, index, cli = CLI) {
  const stamp = join(dir, `stamp-${index}`);
  const manifest = join(dir, `pilot-${index}.yaml`);
  writeFileSync(
    manifest,
    ['processes:', '  - name: first', '    path: bash', '    args: ["-c", "echo $EPOCHREALTIME > \\"$STAMP\\"; exec sleep 1000"]', `    env: { STAMP: "${stamp}" }`, ''].join('\n'),
  );
  let output = '';
  const t0 = Date.now();
  const pilot = spawn(process.execPath, [cli, 'run', manifest, '--output', 'raw'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  pilot.stdout.on('data', (chunk) => (output += chunk));
  pilot.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => pilot.once('exit', (code, signal) => resolve({ code, signal })));
  try {
    const text = await waitUntil(() => existsSync(stamp) && readFileSync(stamp, 'utf8').trim(), {
      timeoutMs: 10_000,
      what: `the first child of pilot run (output so far: ${output.slice(-300)})`,
    });
    const spawnedAt = Number(text) * 1000;
    pilot.kill('SIGINT');
    const exit = await Promise.race([exited, pause(10_000).then(() => undefined)]);
    if (!exit) throw new Error('pilot run did not exit within 10 s of SIGINT');
    // Children must be gone once the pilot exited (it stops them on SIGINT).
    const leftovers = await waitUntil(() => markedPids().filter((pid) => pid !== pilot.pid).length === 0, { timeoutMs: 2000, what: 'children to be gone' })
      .then(() => 0)
      .catch(() => markedPids().length);
    return { ms: spawnedAt - t0, exit, leftovers };
  } finally {
    if (pilot.exitCode === null && pilot.signalCode === null) pilot.kill('SIGKILL');
    killEverything();
  }
}

/** Run the comparison; returns the result saved to bench/results/cli-start.json. */
export async function run({ quick = false, runs, candidate } = {}) {
  runs ??= quick ? 5 : 20;
  const base = { name: 'cli-start', machine: machine(), command: `node bench/cli-start.mjs${quick ? ' --quick' : ''}`, runs };
  if (!existsSync(CLI)) return { ...base, skipped: `core/dist/cli/main.js does not exist yet (run \`npx tsc -b\` once the CLI is written)` };
  const dir = mkdtempSync(join(tmpdir(), 'pilot-bench-cli-'));
  const samples = { pilot: [], node: [], importCore: [], validate: [], version: [], candidate: [] };
  const threePlugins = join(dir, 'three-plugins.yaml');
  writeFileSync(threePlugins, THREE_PLUGINS);
  const exits = [];
  let leftovers = 0;
  try {
    // One untimed warm-up of each, so the first timed run does not pay for a cold page cache.
    await timeNode(['-e', '0']);
    await timePilotRun(dir, 'warmup');
    for (let i = 0; i < runs; i += 1) {
      const kinds = ['pilot', 'node', 'importCore', 'validate', 'version', ...(candidate ? ['candidate'] : [])];
      const order = i % 2 === 0 ? kinds : [...kinds].reverse();
      for (const what of order) {
        if (what === 'candidate') samples.candidate.push((await timePilotRun(dir, `c${i}`, candidate)).ms);
        else if (what === 'node') samples.node.push(await timeNode(['-e', '0']));
        else if (what === 'importCore') samples.importCore.push(await timeNode(['--input-type=module', '-e', `await import(${JSON.stringify(CORE)})`]));
        else if (what === 'validate') samples.validate.push(await timeNode([CLI, 'validate', threePlugins], dir));
        else if (what === 'version') samples.version.push(await timeNode([CLI, '--version']));
        else {
          const result = await timePilotRun(dir, i);
          samples.pilot.push(result.ms);
          exits.push(result.exit.signal ?? result.exit.code);
          leftovers += result.leftovers;
        }
      }
      process.stderr.write(`  run ${i + 1}/${runs} pilot ${fmt(samples.pilot.at(-1))} ms, node -e 0 ${fmt(samples.node.at(-1))} ms\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pilot = summarize(samples.pilot);
  const node = summarize(samples.node);
  return {
    ...base,
    pilot,
    node,
    importCore: summarize(samples.importCore),
    validate: summarize(samples.validate),
    version: summarize(samples.version),
    overheadMs: pilot.median - node.median,
    exitCodes: [...new Set(exits)],
    leftovers,
    candidate: candidate ? { cli: candidate, ...summarize(samples.candidate) } : undefined,
  };
}

/** Summary rows: [metric, measured, target, met]. */
export function headline(r) {
  if (r.skipped) return [['`pilot run` to first child spawned', r.skipped, `<= ${targets.overheadMs} ms over node -e 0`, undefined]];
  const missed = (value, target, unit) => (value > target ? `missed by ${fmt(value - target, 0)} ${unit}` : undefined);
  const rows = [
    [
      '`pilot run` to first child spawned',
      `${fmt(r.pilot.median, 0)} ms vs \`node -e 0\` ${fmt(r.node.median, 0)} ms = +${fmt(r.overheadMs, 0)} ms`,
      `<= +${targets.overheadMs} ms`,
      r.overheadMs <= targets.overheadMs,
      missed(r.overheadMs, targets.overheadMs, 'ms'),
    ],
  ];
  if (r.validate) {
    rows.push([
      '`pilot validate`, a manifest using three plugins',
      `${fmt(r.validate.median, 0)} ms (\`node -e 0\` ${fmt(r.node.median, 0)} ms: +${fmt(r.validate.median - r.node.median, 0)} ms)`,
      `<= ${targets.validateMs} ms`,
      r.validate.median <= targets.validateMs,
      missed(r.validate.median, targets.validateMs, 'ms'),
    ]);
  }
  return rows;
}

/** Markdown section for docs/performance.md. */
export function render(r) {
  if (r.skipped) return `Not measured: ${r.skipped}.`;
  const met = r.overheadMs <= targets.overheadMs ? 'yes' : '**no**';
  return [
    `${r.runs} runs of each, alternating.`,
    '',
    '| measurement | median | p95 |',
    '|---|---|---|',
    `| \`pilot run\` invocation -> first child spawned | ${fmt(r.pilot.median)} ms | ${fmt(r.pilot.p95)} ms |`,
    `| \`node -e 0\` (start to exit) | ${fmt(r.node.median)} ms | ${fmt(r.node.p95)} ms |`,
    `| node importing @pilot/core only (start to exit) | ${fmt(r.importCore.median)} ms | ${fmt(r.importCore.p95)} ms |`,
    ...(r.validate
      ? [
          `| \`pilot validate\` of a manifest using three plugins (http readiness, jsonl stats, http control server; start to exit) | ${fmt(r.validate.median)} ms | ${fmt(r.validate.p95)} ms |`,
          `| \`pilot --version\` (start to exit) | ${fmt(r.version.median)} ms | ${fmt(r.version.p95)} ms |`,
        ]
      : []),
    '',
    `| pilot's start-up over Node's own (median - median) | target | met? |`,
    '|---|---|---|',
    `| ${fmt(r.overheadMs)} ms | <= ${targets.overheadMs} ms | ${met} |`,
    ...(r.validate ? ['', `\`pilot validate\` with three plugins: ${fmt(r.validate.median)} ms (target <= ${targets.validateMs} ms: ${r.validate.median <= targets.validateMs ? 'met' : '**not met**'}).`] : []),
    '',
    `After SIGINT every \`pilot run\` exited with ${r.exitCodes.join(', ')}; children left behind: ${r.leftovers}.`,
    r.candidate ? `\nCandidate build ${r.candidate.cli} in the same run: ${fmt(r.candidate.median)} ms median (+${fmt(r.candidate.median - r.node.median)} ms over \`node -e 0\`).` : '',
  ].join('\n');
}

if (isMain(import.meta.url)) {
  const flags = parseFlags({ quick: false, runs: 0, candidate: '' });
  benchMarker();
  try {
    const result = await run({ quick: flags.quick, runs: flags.runs || undefined, candidate: flags.candidate || undefined });
    console.log(render(result));
    console.log(`\nsaved ${saveResult('cli-start', result, { quick: flags.quick, patched: Boolean(flags.candidate) })}`);
  } finally {
    killEverything();
  }
}
