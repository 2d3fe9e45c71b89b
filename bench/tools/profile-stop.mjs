// Profile only the stop phase of the pilot with N children (what start-stop.mjs times), writing
// a .cpuprofile to summarise with cpuprofile-top.mjs. PILOT_BENCH_CORE may name a patched core.
//
//   node bench/tools/profile-stop.mjs /tmp/stop.cpuprofile [children=200]
//   node bench/tools/cpuprofile-top.mjs /tmp/stop.cpuprofile
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { benchMarker, killEverything } from '../lib/cleanup.mjs';
import { importCore, pause } from '../lib/cli.mjs';

const [out = '/tmp/stop.cpuprofile', count = '200'] = process.argv.slice(2);
benchMarker();
try {
  const { ProcessManifest, ProcessPilot } = await importCore();
  const manifest = ProcessManifest.fromObject({
    processes: Array.from({ length: Number(count) }, (_, i) => ({ name: `c${i}`, path: 'sh', args: ['-c', 'exec sleep 1000'] })),
    kill_timeout: 60,
  });
  const pilot = new ProcessPilot(manifest, { handleSignals: false });
  await pilot.start();
  await pause(300);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const t0 = performance.now();
  await pilot.stop();
  console.log(`stop took ${(performance.now() - t0).toFixed(1)} ms`);
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(out, JSON.stringify(profile));
  console.log(`wrote ${out}`);
} finally {
  killEverything();
}
