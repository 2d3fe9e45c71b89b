// Profile one phase of the pilot with N children (what start-stop.mjs times): `start` (manifest
// to all running) or `stop` (stop() to all gone), writing a .cpuprofile to summarise with
// cpuprofile-top.mjs. PILOT_BENCH_CORE may name a patched core.
//
//   node bench/tools/profile-phase.mjs stop /tmp/stop.cpuprofile [children=200]
//   node bench/tools/cpuprofile-top.mjs /tmp/stop.cpuprofile --filter core/dist
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { benchMarker, killEverything } from '../lib/cleanup.mjs';
import { importCore, pause } from '../lib/cli.mjs';

const [phase = 'stop', out = `/tmp/${phase}.cpuprofile`, count = '200'] = process.argv.slice(2);
if (phase !== 'start' && phase !== 'stop') throw new Error('phase must be start or stop');
benchMarker();
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
const profile = async (what, fn) => {
  if (phase !== what) return fn();
  await session.post('Profiler.start');
  const t0 = performance.now();
  await fn();
  console.log(`${what} took ${(performance.now() - t0).toFixed(1)} ms`);
  const { profile: result } = await session.post('Profiler.stop');
  writeFileSync(out, JSON.stringify(result));
  console.log(`wrote ${out}`);
};
try {
  const { ProcessManifest, ProcessPilot } = await importCore();
  let pilot;
  await profile('start', async () => {
    const manifest = ProcessManifest.fromObject({
      processes: Array.from({ length: Number(count) }, (_, i) => ({ name: `c${i}`, path: 'sh', args: ['-c', 'exec sleep 1000'] })),
      kill_timeout: 60,
    });
    pilot = new ProcessPilot(manifest, { handleSignals: false });
    await pilot.start();
  });
  await pause(300);
  await profile('stop', () => pilot.stop());
} finally {
  killEverything();
}
