// Where the pilot's CPU goes while a readiness strategy waits: per-thread user+system time of
// this process (from /proc/self/task/*/stat) over one long wait, so CPU spent off the main
// thread (V8 compiler and GC threads, libuv's pool) shows up beside the JavaScript the profiler sees.
//
//   node bench/tools/threads-while-waiting.mjs <strategy> [waitMs] ['{"interval_ms":5}']
//   PILOT_BENCH_PLUGIN=/tmp/candidate/index.js node bench/tools/...   a candidate build of the plugin
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { importCore } from '../lib/cli.mjs';

const [strategy = 'tcp', waitMs = '2000', extra = '{}'] = process.argv.slice(2);
const CHILD = fileURLToPath(new URL('../fixtures/ready-child.mjs', import.meta.url));
const TICK_MS = 10; // USER_HZ = 100 on Linux

function threads() {
  const out = new Map();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
    out.set(tid, { name, user: Number(fields[11]) * TICK_MS, system: Number(fields[12]) * TICK_MS });
  }
  return out;
}

const port = await new Promise((resolve) => {
  const server = createServer().listen(0, () => {
    const { port: free } = server.address();
    server.close(() => resolve(free));
  });
});
const core = await importCore();
const pluginModule = await import(process.env.PILOT_BENCH_PLUGIN ? pathToFileURL(process.env.PILOT_BENCH_PLUGIN).href : `@pilot/plugin-ready-${strategy}`);
const params = { ...(strategy === 'http' ? { port } : strategy === 'tcp' ? { port } : { path: `/tmp/threads-${process.pid}` }), ...JSON.parse(extra) };
const pilot = new core.ProcessPilot(
  core.ProcessManifest.fromObject({
    processes: [{ name: 'svc', path: process.execPath, args: [CHILD, strategy, String(params.port ?? params.path), waitMs], ready_strategy: strategy, ready_params: params, ready_timeout_sec: 30 }],
  }),
  { handleSignals: false, plugins: [pluginModule.default] },
);
let before;
let cpuBefore;
let wallBefore;
pilot.hooks.spawn.tap('threads', () => {
  before = threads();
  cpuBefore = process.cpuUsage();
  wallBefore = performance.now();
});
pilot.hooks.ready.tap('threads', () => {
  const wall = performance.now() - wallBefore;
  const cpu = process.cpuUsage(cpuBefore);
  const after = threads();
  console.log(`wait ${wall.toFixed(0)} ms, process CPU ${((cpu.user + cpu.system) / 1000).toFixed(1)} ms = ${((100 * (cpu.user + cpu.system)) / 1000 / wall).toFixed(1)}%`);
  for (const [tid, { name, user, system }] of after) {
    const user0 = before.get(tid)?.user ?? 0;
    const system0 = before.get(tid)?.system ?? 0;
    if (user + system > user0 + system0) console.log(`  ${name.padEnd(16)} tid ${tid}: user ${user - user0} ms, system ${system - system0} ms`);
  }
});
await pilot.start();
await pilot.stop();
