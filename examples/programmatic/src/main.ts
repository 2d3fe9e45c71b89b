/**
 * ProcessPilot from TypeScript: a manifest built in code, hooks tapped to log the lifecycle and
 * rewrite the environment, a crash observed and recovered, and `await using` for cleanup.
 * Run: `npm start --workspace examples/programmatic` (after `npm install`, which builds).
 */
import { ProcessManifest, ProcessPilot, type ProcessInfo } from '@pilot/core';

const manifest = ProcessManifest.fromObject(
  {
    processes: [
      { name: 'clock', path: 'sh', args: ['-c', 'while :; do echo "tick $TICK_LABEL"; sleep 0.2; done'] },
      {
        name: 'worker',
        path: 'sh',
        args: ['-c', 'echo worker up; exec sleep 1000'],
        dependencies: ['clock'],
        restart_backoff: { initial_delay: 0.1 },
      },
    ],
  },
  { directory: process.cwd() },
);

await using pilot = new ProcessPilot(manifest);
const name = 'example';
pilot.hooks.beforeSpawn.tap(name, (request, info) => ({ ...request, env: { ...request.env, TICK_LABEL: `from ${info.name}` } }));
pilot.hooks.stateChange.tap(name, (info, from, to) => console.log(`[state] ${info.name}: ${from} -> ${to}`));
pilot.hooks.output.tap(name, (info, line) => console.log(`[${info.name}] ${line.text}`));
pilot.hooks.restart.tap(name, (info, delayMs) => console.log(`[restart] ${info.name} in ${delayMs} ms`));

await pilot.start();
const show = (info: ProcessInfo) => `${info.name} pid=${info.pid} ${info.status} restarts=${info.restarts}`;
console.log(pilot.getRunningProcess().map(show).join('\n'));

pilot.crashProcess('worker');
await pilot.waitFor('worker', 'restarting');
const recovered = await pilot.waitFor('worker', 'running');
console.log(`recovered: ${show(recovered)}`);
// Leaving the scope stops everything, dependents first, even if something above threw.
