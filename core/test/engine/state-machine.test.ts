import { expect, test } from '@jest/globals';
import { ProcessManifest, ProcessPilot, type ManifestInput, type ProcessState } from '../../src/index.js';
import { FakeExecutor } from '../../src/testing/index.js';
import { fixture } from '../support/index.js';
import { turnsPlugin } from './orchestration-model.js';

/** A pilot over `processes` on a FakeExecutor, with every state change recorded per process. */
function fakePilot(processes: Omit<ManifestInput['processes'][number], 'path'>[]) {
  const manifest = ProcessManifest.fromObject({ processes: processes.map((p) => ({ ...p, path: fixture('sleep-forever.sh') })) });
  const executor = new FakeExecutor();
  const pilot = new ProcessPilot(manifest, { executor, handleSignals: false });
  const states = new Map<string, ProcessState[]>();
  pilot.hooks.stateChange.tap('test', (info, _from, to) => states.set(info.name, [...(states.get(info.name) ?? []), to]));
  return { pilot, executor, states };
}

test('a crash restarts the process after its backoff, with a new run', async () => {
  const { pilot, executor, states } = fakePilot([{ name: 'api', restart_backoff: { initial_delay: 0 } }]);
  await pilot.start();
  const first = executor.latest('api')!;
  first.exit(1);
  await pilot.waitFor('api', 'running', 1000);
  await new Promise((resolve) => setImmediate(resolve));
  expect(executor.latest('api')).not.toBe(first);
  expect(states.get('api')).toEqual(['starting', 'running', 'restarting', 'starting', 'running']);
  expect(pilot.getRunningProcess('api')).toMatchObject({ restarts: 1, lastExit: { code: 1, signal: null } });
  await pilot.stop();
});

test('max_restarts in a row makes the process failed, with the reason', async () => {
  const { pilot, executor } = fakePilot([{ name: 'api', max_restarts: 2, restart_backoff: { initial_delay: 0 } }]);
  await pilot.start();
  executor.onSpawn = (run) => setImmediate(() => run.exit(3));
  executor.latest('api')!.exit(3);
  const failed = await pilot.waitFor('api', 'failed', 2000);
  expect(failed.reason).toMatch(/max_restarts/);
  expect(executor.runs.length).toBe(3);
  await pilot.stop();
});

test('do_not_restart leaves the process exited with its code; shutdown_everything stops all, dependents first', async () => {
  const { pilot, executor, states } = fakePilot([
    { name: 'job', shutdown_strategy: 'do_not_restart' },
    { name: 'core', shutdown_strategy: 'shutdown_everything' },
    { name: 'web', dependencies: ['core'] },
  ]);
  await pilot.start();
  executor.latest('job')!.exit(0);
  expect(await pilot.waitFor('job', 'exited', 1000)).toMatchObject({ status: 'exited', returnCode: 0 });
  const stopped = pilot.whenStopped();
  executor.latest('core')!.exit(7);
  expect(await stopped).toBe('shutdown_everything');
  expect(pilot.lastStop).toMatchObject({ reason: 'shutdown_everything', process: 'core', code: 7 });
  expect(states.get('web')!.slice(-2)).toEqual(['stopping', 'stopped']);
  expect(executor.alive()).toEqual([]);
});

test('a stop during the backoff cancels the pending spawn', async () => {
  const { pilot, executor } = fakePilot([{ name: 'api', restart_backoff: { initial_delay: 0.05 } }]);
  await pilot.start();
  executor.latest('api')!.exit(1);
  await pilot.waitFor('api', 'restarting', 1000);
  await pilot.stop();
  await new Promise((resolve) => setTimeout(resolve, 80));
  expect(executor.runs.length).toBe(1);
  expect(pilot.getRunningProcess('api')!.status).toBe('stopped');
});

test('a run that ignores the stop signal gets SIGKILL at its timeout', async () => {
  const { pilot, executor } = fakePilot([{ name: 'stubborn', timeout: 0.05 }]);
  await pilot.start();
  const run = executor.latest('stubborn')!;
  run.stopBehaviour = 'ignores';
  await pilot.stopProcess('stubborn');
  expect(run.signals).toEqual(['SIGTERM', 'SIGKILL']);
  await pilot.stop();
});

test('a do_not_restart dependency that finished with code 0 counts as done for its dependents; another code does not', async () => {
  for (const [code, expected] of [[0, 'running'], [3, 'failed']] as const) {
    const { pilot, executor } = fakePilot([
      { name: 'setup', shutdown_strategy: 'do_not_restart' },
      { name: 'app', dependencies: ['setup', 'slow'] },
      { name: 'slow', ready_strategy: 'turns', ready_params: { turns: 5 } },
    ]);
    pilot.registerPlugins([turnsPlugin]);
    // setup finishes at once; app can only start after slow, so setup has exited by then.
    executor.onSpawn = (run) => {
      if (run.name === 'setup') setImmediate(() => run.exit(code));
    };
    const started = pilot.start();
    if (expected === 'running') await started;
    else await expect(started).rejects.toMatchObject({ code: 'PILOT_DEPENDENCY_FAILED' });
    expect(pilot.getRunningProcess('setup')).toMatchObject({ status: 'exited', lastExit: { code } });
    if (expected === 'running') expect(pilot.getRunningProcess('app')!.status).toBe('running');
    else expect(executor.runs.map((run) => run.name)).not.toContain('app');
    await pilot.stop();
  }
});
