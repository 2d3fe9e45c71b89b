// Benchmark (issue 3): readiness detection latency, from the moment the child signals (it records
// the system-wide monotonic clock just before creating the file, listening, or writing to the
// FIFO; see lib/clock.mjs) to the pilot's `ready` hook, for file, tcp, fifo and http; side by side in
// the same run with a 100 ms polling loop (process_pilot's method) and with wait-on's default
// behaviour re-implemented in bench/lib/waiters.mjs (wait-on is not installed here). Also the
// waiter's CPU while it waits: process.cpuUsage() from spawn to detection / wall time.
// Trials interleave strategies and methods; the child signals 150-350 ms after it starts.
// A strategy whose plugin still registers nothing is reported as "not yet implemented".
//
//   node bench/readiness.mjs [--quick] [--trials 30] [--only file,tcp]
//   node bench/readiness.mjs --only http --params '{"http":{"interval_ms":4}}'
//       extra ready_params per strategy, to try a setting; saved under bench/results/patched/
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchMarker, killEverything } from './lib/cleanup.mjs';
import { spawnRaw } from './lib/children.mjs';
import { importCore, isMain, machine, parseFlags, saveResult, waitUntil } from './lib/cli.mjs';
import { monoNow } from './lib/clock.mjs';
import { fmt, summarize } from './lib/stats.mjs';
import { poll100, waitOn } from './lib/waiters.mjs';

const CHILD = fileURLToPath(new URL('./fixtures/ready-child.mjs', import.meta.url));

/**
 * Row name -> strategy, plugin package, what the child does, and the ready_params for a target.
 * The `silent` rows run a child that prints nothing (it reports its times through a file): tcp
 * and http take a printed line as a hint to try at once, and a server that prints nothing when it
 * starts listening is measured separately, on the pilot only (the baselines ignore output).
 */
const STRATEGIES = [
  { name: 'file', strategy: 'file', pkg: '@pilot/plugin-ready-file', target: 'path', params: (path) => ({ path }) },
  { name: 'tcp', strategy: 'tcp', pkg: '@pilot/plugin-ready-tcp', target: 'port', params: (port) => ({ port }) },
  { name: 'tcp-silent', strategy: 'tcp', silent: true, pkg: '@pilot/plugin-ready-tcp', target: 'port', params: (port) => ({ port }) },
  { name: 'fifo', strategy: 'fifo', pkg: '@pilot/plugin-ready-fifo', target: 'path', params: (path) => ({ path }) },
  { name: 'http', strategy: 'http', pkg: '@pilot/plugin-ready-http', target: 'port', params: (port) => ({ url: `http://localhost:${port}/` }) },
  { name: 'http-silent', strategy: 'http', silent: true, pkg: '@pilot/plugin-ready-http', target: 'port', params: (port) => ({ url: `http://localhost:${port}/` }) },
];

export const targets = { file: 2, tcp: 5, 'tcp-silent': 5, fifo: 2, http: 10, 'http-silent': 10, cpu: 10 };
const METHODS = ['pilot', 'poll100', 'waitOn'];

/** A plugin factory for `strategy`, or the reason it cannot be measured. */
async function loadPlugin(core, strategy) {
  let module;
  try {
    module = await import(strategy.pkg);
  } catch (error) {
    return { missing: `${strategy.pkg} does not load (${error.code ?? error.message})` };
  }
  const make = () => {
    const values = Array.isArray(module.default) ? module.default : [module.default];
    return values.map((value) => (typeof value === 'function' ? value() : value));
  };
  const probe = new core.ProcessPilot(core.ProcessManifest.fromObject({ processes: [{ name: 'probe', path: 'true' }] }), {
    handleSignals: false,
    plugins: make(),
  });
  if (!probe.readiness.get(strategy.strategy)) return { missing: `not yet implemented (${strategy.pkg} registers no "${strategy.strategy}" strategy)` };
  return { make };
}

function readIfThere(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** A port nothing listens on right now (the child will listen on it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The `SIGNALLED <time> <detail>` line of the child. */
function parseSignal(text) {
  const match = /SIGNALLED (\d+\.\d+) ?(\S*)/.exec(text);
  return match ? { at: Number(match[1]), detail: match[2] } : undefined;
}

/**
 * What an http child says about its first request (`FIRST_REQUEST <arrived> <answered>`), as
 * milliseconds from its signal: when the request arrived, and how long the server took to answer.
 */
function parseFirstRequest(text, signalledAt) {
  const match = /FIRST_REQUEST (\d+\.\d+) (\d+\.\d+) (\d+\.\d+)/.exec(text);
  if (!match) return {};
  const [arrived, answered, accepted] = match.slice(1).map(Number);
  return { untilAccepted: accepted - signalledAt, acceptedToRequest: arrived - accepted, untilRequest: arrived - signalledAt, serverMs: answered - arrived };
}

/** Milliseconds the child's `listen()` call took (`listen-call=1.26ms` in its detail). */
const listenCallMs = (detail) => Number(/^listen-call=([\d.]+)ms$/.exec(detail ?? '')?.[1] ?? NaN);

async function pilotTrial(core, strategy, make, target, delay, extra = {}, reportFile) {
  const manifest = core.ProcessManifest.fromObject({
    processes: [
      {
        name: 'svc',
        path: process.execPath,
        args: [CHILD, strategy.strategy, String(target), String(delay)],
        env: reportFile ? { READY_CHILD_REPORT_FILE: reportFile } : {},
        ready_strategy: strategy.strategy,
        ready_params: { ...strategy.params(target), ...extra },
        ready_timeout_sec: 10,
        shutdown_strategy: 'do_not_restart',
        timeout: 2,
      },
    ],
  });
  const pilot = new core.ProcessPilot(manifest, { handleSignals: false, plugins: make() });
  let spawnAt;
  let cpuAt;
  let readyAt;
  let cpu;
  pilot.hooks.spawn.tap('bench', () => {
    spawnAt = monoNow();
    cpuAt = process.cpuUsage();
  });
  pilot.hooks.ready.tap('bench', () => {
    readyAt = monoNow();
    cpu = process.cpuUsage(cpuAt);
  });
  try {
    await pilot.start();
    const output = () => (reportFile ? readIfThere(reportFile) : pilot.logs('svc').map((l) => l.text).join('\n'));
    if (reportFile && pilot.logs('svc').length) throw new Error(`the silent child printed: ${pilot.logs('svc')[0].text}`);
    const signalled = await waitUntil(() => parseSignal(output()), { timeoutMs: 5000, what: 'the child to report its signal time' });
    if (strategy.strategy === 'http') await waitUntil(() => output().includes('FIRST_REQUEST'), { timeoutMs: 5000, what: 'the child to report its first request' });
    return {
      latency: readyAt - signalled.at,
      cpuMs: (cpu.user + cpu.system) / 1000,
      waitMs: readyAt - spawnAt,
      detail: signalled.detail,
      ...parseFirstRequest(output(), signalled.at),
    };
  } finally {
    await pilot.stop();
  }
}

async function rawTrial(method, strategy, target, delay) {
  let text = '';
  let lineAt;
  const child = await spawnRaw(process.execPath, [CHILD, strategy.strategy, String(target), String(delay)], {
    onData: (chunk) => {
      text += chunk;
      if (text.includes('SIGNALLED')) lineAt ??= monoNow();
    },
  });
  const spawnAt = monoNow();
  const cpuAt = process.cpuUsage();
  const abort = new AbortController();
  const deadline = setTimeout(() => abort.abort(), 10_000);
  try {
    await (method === 'poll100' ? poll100 : waitOn)(strategy.strategy, target, abort.signal);
    const readyAt = monoNow();
    const cpu = process.cpuUsage(cpuAt);
    const signalled = await waitUntil(() => parseSignal(text), { timeoutMs: 5000, what: 'the child to report its signal time' });
    if (strategy.strategy === 'http') await waitUntil(() => text.includes('FIRST_REQUEST'), { timeoutMs: 5000, what: 'the child to report its first request' });
    return {
      latency: readyAt - signalled.at,
      cpuMs: (cpu.user + cpu.system) / 1000,
      waitMs: readyAt - spawnAt,
      detail: signalled.detail,
      pipeMs: lineAt - signalled.at,
      ...parseFirstRequest(text, signalled.at),
    };
  } finally {
    clearTimeout(deadline);
    abort.abort();
    process.kill(-child.pid, 'SIGKILL');
    await child.exited;
  }
}

/** Run every trial; returns the result saved to bench/results/readiness.json. */
export async function run({ quick = false, trials, only, params = {} } = {}) {
  trials ??= quick ? 5 : 30;
  const core = await importCore();
  const strategies = STRATEGIES.filter((s) => !only || only.includes(s.name) || only.includes(s.strategy));
  const dir = mkdtempSync(join(tmpdir(), 'pilot-bench-ready-'));
  const table = {};
  const plugins = {};
  for (const strategy of strategies) {
    plugins[strategy.name] = await loadPlugin(core, strategy);
    table[strategy.name] = {};
    for (const method of METHODS) {
      if (strategy.silent && method !== 'pilot') continue;
      const unavailable =
        method === 'pilot' ? plugins[strategy.name].missing : method === 'waitOn' && strategy.name === 'fifo' ? 'wait-on has no FIFO resource' : undefined;
      table[strategy.name][method] = { unavailable, samples: [], failures: [] };
    }
  }
  try {
    for (let trial = 0; trial < trials; trial += 1) {
      for (const strategy of strategies) {
        // Rotate the method order so no method always runs first after another.
        const order = METHODS.map((_, i) => METHODS[(i + trial) % METHODS.length]);
        for (const method of order) {
          const cell = table[strategy.name][method];
          if (!cell || cell.unavailable) continue;
          const target = strategy.target === 'port' ? await freePort() : join(dir, `${strategy.name}-${method}-${trial}`);
          const delay = 150 + Math.round(Math.random() * 200);
          try {
            cell.samples.push(
              method === 'pilot'
                ? await pilotTrial(core, strategy, plugins[strategy.name].make, target, delay, params[strategy.strategy], strategy.silent ? join(dir, `report-${strategy.name}-${trial}`) : undefined)
                : await rawTrial(method, strategy, target, delay),
            );
          } catch (error) {
            cell.failures.push(String(error?.message ?? error).split('\n')[0]);
          } finally {
            if (strategy.target === 'path') rmSync(target, { force: true });
          }
        }
      }
      process.stderr.write(`  trial ${trial + 1}/${trials}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const results = {};
  const pipe = [];
  for (const [name, methods] of Object.entries(table)) {
    results[name] = {};
    for (const [method, cell] of Object.entries(methods)) {
      for (const s of cell.samples) if (s.pipeMs !== undefined) pipe.push(s.pipeMs);
      const cpuMs = cell.samples.reduce((sum, s) => sum + s.cpuMs, 0);
      const waitMs = cell.samples.reduce((sum, s) => sum + s.waitMs, 0);
      results[name][method] = {
        unavailable: cell.unavailable,
        latency: summarize(cell.samples.map((s) => s.latency)),
        cpuPercent: waitMs > 0 ? (100 * cpuMs) / waitMs : NaN,
        modes: [...new Set(cell.samples.map((s) => s.detail).filter((d) => d && !d.startsWith('listen-call=')))],
        listenCall: summarize(cell.samples.map((s) => listenCallMs(s.detail)).filter(Number.isFinite)),
        untilRequest: summarize(cell.samples.map((s) => s.untilRequest).filter(Number.isFinite)),
        untilAccepted: summarize(cell.samples.map((s) => s.untilAccepted).filter(Number.isFinite)),
        acceptedToRequest: summarize(cell.samples.map((s) => s.acceptedToRequest).filter(Number.isFinite)),
        serverFirstResponse: summarize(cell.samples.map((s) => s.serverMs).filter(Number.isFinite)),
        failures: cell.failures.length,
        firstFailure: cell.failures[0],
      };
    }
  }
  return {
    name: 'readiness',
    machine: machine(),
    command: `node bench/readiness.mjs${quick ? ' --quick' : ''}`,
    trials,
    params,
    results,
    // Child signal -> its stdout line received here: >= 0 shows the two clocks agree.
    clockCheck: summarize(pipe),
  };
}

/** Summary rows: [metric, measured, target, met]. */
export function headline(r) {
  const rows = [];
  let cpuMax = -Infinity;
  let cpuWorst = '';
  for (const [name, methods] of Object.entries(r.results)) {
    const m = methods.pilot;
    if (m.unavailable) {
      rows.push([`readiness ${name}: detection latency`, m.unavailable, `<= ${targets[name]} ms median`, undefined]);
      continue;
    }
    if (m.cpuPercent > cpuMax) [cpuMax, cpuWorst] = [m.cpuPercent, name];
    rows.push([
      `readiness ${name}: detection latency`,
      `${fmt(m.latency.median, 2)} ms median, p95 ${fmt(m.latency.p95, 2)} ms${methods.poll100 ? ` (100 ms poll: ${fmt(methods.poll100.latency.median, 1)} ms)` : ''}`,
      `<= ${targets[name]} ms median`,
      m.latency.median <= targets[name],
    ]);
  }
  if (cpuMax > -Infinity) rows.push([`readiness: pilot CPU while waiting (worst: ${cpuWorst})`, `${fmt(cpuMax, 1)}% of one core`, `<= ${targets.cpu}%`, cpuMax <= targets.cpu]);
  return rows;
}

const LABEL = { pilot: 'pilot (plugin, `ready` hook)', poll100: 'poll every 100 ms (process_pilot)', waitOn: 'wait-on defaults (re-implemented)' };

/** Markdown section for docs/performance.md. */
export function render(r) {
  const lines = [
    `${r.trials} trials per strategy and method, interleaved; the child signals 150-350 ms after it starts.${r.params && Object.keys(r.params).length ? ` Extra ready_params: \`${JSON.stringify(r.params)}\`.` : ''}`,
    '',
    '| strategy | method | median | p95 | waiter CPU | target | met? |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const [name, methods] of Object.entries(r.results)) {
    for (const [method, m] of Object.entries(methods)) {
      if (m.unavailable) {
        lines.push(`| ${name} | ${LABEL[method]} | ${m.unavailable} | | | ${method === 'pilot' ? `<= ${targets[name]} ms` : ''} | ${method === 'pilot' ? 'not measured' : ''} |`);
        continue;
      }
      const isPilot = method === 'pilot';
      const met = isPilot
        ? m.latency.median <= targets[name] && m.cpuPercent <= targets.cpu
          ? 'yes'
          : `**no**${m.latency.median > targets[name] ? ' (latency)' : ''}${m.cpuPercent > targets.cpu ? ' (CPU)' : ''}`
        : '';
      const failures = m.failures ? ` (${m.failures} failed: ${m.firstFailure})` : '';
      const mode = name === 'fifo' && m.modes.length ? ` [FIFO made by: ${m.modes.join(', ')}]` : '';
      lines.push(
        `| ${name} | ${LABEL[method]}${mode} | ${fmt(m.latency.median, 2)} ms | ${fmt(m.latency.p95, 2)} ms | ${fmt(m.cpuPercent, 1)}% | ${isPilot ? `<= ${targets[name]} ms, CPU <= ${targets.cpu}%` : ''} | ${met}${failures} |`,
      );
    }
  }
  const notes = [];
  const listenCall = Object.values(r.results).flatMap((methods) => Object.values(methods).map((m) => m.listenCall).filter((c) => c?.n));
  if (listenCall.length) {
    const medians = listenCall.map((c) => c.median);
    notes.push(
      `tcp and http latencies count from the moment the child's \`listen()\` returned (the port accepts from then on); the call itself took ${fmt(Math.min(...medians), 2)}-${fmt(Math.max(...medians), 2)} ms (medians) in these fresh children, time in which nothing accepts yet.`,
    );
  }
  for (const [method, m] of ['http', 'http-silent'].flatMap((row) => Object.entries(r.results[row] ?? {}).map(([method, m]) => [`${row}, ${LABEL[method]}`, m]))) {
    if (!m.serverFirstResponse?.n) continue;
    notes.push(
      `${method}: the connection that carried the first GET was accepted by the child ${fmt(m.untilAccepted.median, 2)} ms (median) after its \`listen()\` returned; the request reached the child's handler ${fmt(m.acceptedToRequest.median, 2)} ms after that, and the child took ${fmt(m.serverFirstResponse.median, 2)} ms (median, p95 ${fmt(m.serverFirstResponse.p95, 2)}) to answer it. The last two are a fresh Node server's own first-request work, which no waiter can shorten.`,
    );
  }
  if (notes.length) lines.push('', ...notes.map((note) => `- ${note}`));
  lines.push(
    '',
    r.clockCheck.min >= 0
      ? `Clock: child and benchmark both read CLOCK_MONOTONIC (\`process.hrtime\`), one system-wide clock, so no skew enters the latencies; as a check, the child's "signalled" line always reached the benchmark after the time it recorded (${fmt(r.clockCheck.min, 2)}-${fmt(r.clockCheck.max, 2)} ms later, median ${fmt(r.clockCheck.median, 2)} ms).`
      : `**Clock check failed**: a child's "signalled" line arrived ${fmt(-r.clockCheck.min, 2)} ms before the time it recorded; the latencies are suspect.`,
    'Waiter CPU is the waiting process\'s user+system CPU from spawn to detection divided by that wall time (% of one core); for the pilot it includes everything the pilot process did meanwhile.',
  );
  return lines.join('\n');
}

if (isMain(import.meta.url)) {
  const flags = parseFlags({ quick: false, trials: 0, only: '', params: '' });
  benchMarker();
  try {
    const params = flags.params ? JSON.parse(flags.params) : {};
    const result = await run({ quick: flags.quick, trials: flags.trials || undefined, only: flags.only ? flags.only.split(',') : undefined, params });
    console.log(render(result));
    console.log(`\nsaved ${saveResult('readiness', result, { quick: flags.quick, patched: Boolean(flags.params) })}`);
  } finally {
    killEverything();
  }
}
