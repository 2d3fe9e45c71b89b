import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MARKER_VARIABLE, Sandbox, eventually, markedPids } from '../../../core/test/support/index.js';
import readyExec, { execStrategy } from '../src/index.js';

const fixture = (name: string): string => join(dirname(fileURLToPath(import.meta.url)), 'fixtures', name);

let sandbox: Sandbox;
/** Marks this test's probes, apart from the service, so that a probe left behind is seen. */
let probeMarker: string;
beforeEach(() => {
  sandbox = new Sandbox();
  probeMarker = randomUUID();
});
afterEach(async () => {
  const services = await sandbox.cleanup();
  const probes = markedPids(probeMarker);
  for (const pid of probes) process.kill(pid, 'SIGKILL');
  expect({ services, probes }).toEqual({ services: [], probes: [] });
});

/** A pilot over `svc` (service.sh with `args`), ready by `exec` with `params`, and `after` depending on it. */
async function execPilot(params: Record<string, unknown>, extra: Record<string, unknown> = {}, args: string[] = []) {
  const manifest = await sandbox.manifest({
    processes: [
      {
        name: 'svc',
        path: fixture('service.sh'),
        args,
        ready_strategy: 'exec',
        ready_params: { interval_ms: 10, ...params, env: { [MARKER_VARIABLE]: probeMarker, ...(params.env as object) } },
        ready_timeout_sec: 60,
        ...extra,
      },
      { name: 'after', path: fixture('service.sh'), dependencies: ['svc'] },
    ],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyExec()] });
  const spawned: string[] = [];
  pilot.hooks.spawn.tap('test', (info) => spawned.push(info.name));
  return { pilot, spawned };
}

test('the plugin registers the strategy "exec" under its package name', () => {
  expect(readyExec().name).toBe('@pilot/plugin-ready-exec');
  expect(execStrategy.name).toBe('exec');
});

test('ready once the probe exits 0; dependents start after it', async () => {
  const { pilot, spawned } = await execPilot({ command: ['true'] });
  await pilot.start();
  expect(pilot.getRunningProcess('svc')!.status).toBe('running');
  expect(spawned).toEqual(['svc', 'after']);
});

test('a probe that exits nonzero is retried until it exits 0', async () => {
  const counter = join(sandbox.directory, 'runs');
  const { pilot } = await execPilot({ command: [fixture('probe-count.sh'), counter, '3'] });
  await pilot.start();
  expect(readFileSync(counter, 'utf8').trim()).toBe('3');
});

test('a hanging probe is killed with its background child after timeout_ms, and the next one runs', async () => {
  const state = join(sandbox.directory, 'hung-once');
  const { pilot } = await execPilot({ command: [fixture('probe-hang-once.sh'), state], timeout_ms: 200 });
  await pilot.start();
  expect(pilot.getRunningProcess('svc')!.status).toBe('running');
  await eventually(() => markedPids(probeMarker).length === 0, 'the hung probe and its child are gone');
});

test('the probe gets cwd (relative to the manifest), env and the watched pid', async () => {
  mkdirSync(join(sandbox.directory, 'probes'));
  sandbox.file('probes/flag', '');
  const { pilot } = await execPilot({ command: [fixture('probe-env.sh')], cwd: 'probes', env: { WANT: 'yes' } });
  await pilot.start();
  expect(pilot.getRunningProcess('svc')!.status).toBe('running');
});

test('a probe that never succeeds: timeout naming process and strategy, tree killed, no probe left', async () => {
  const { pilot, spawned } = await execPilot({ command: ['false'] }, { ready_timeout_sec: 0.3 });
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect(error).toMatchObject({ code: 'PILOT_READINESS_TIMEOUT', process: 'svc' });
  expect((error as Error).message).toMatch(/process "svc" was not ready within ready_timeout_sec \(0\.3 s\) using ready_strategy "exec"/);
  expect(spawned).toEqual(['svc']);
  expect(sandbox.leftovers()).toEqual([]);
  await eventually(() => markedPids(probeMarker).length === 0, 'no probe left');
});

test('the readiness timeout kills a probe still in flight', async () => {
  const { pilot } = await execPilot({ command: [fixture('probe-hang.sh')], timeout_ms: 60_000 }, { ready_timeout_sec: 0.3 });
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect(error).toMatchObject({ code: 'PILOT_READINESS_TIMEOUT', process: 'svc' });
  await eventually(() => markedPids(probeMarker).length === 0, 'the in-flight probe and its child are gone');
});

test('a process that exits while probes fail fails at once with its exit code', async () => {
  const { pilot, spawned } = await execPilot({ command: ['false'] }, {}, ['2']);
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect(error).toMatchObject({ code: 'PILOT_EXITED_BEFORE_READY', process: 'svc' });
  expect((error as Error).message).toContain('process "svc" exited with code 2 before it was ready (ready_strategy "exec")');
  expect(spawned).toEqual(['svc']);
});

test('stop() during the wait cancels it and kills the probe in flight', async () => {
  const { pilot, spawned } = await execPilot({ command: [fixture('probe-hang.sh')], timeout_ms: 60_000 });
  const starting = pilot.start();
  starting.catch(() => undefined);
  await eventually(() => markedPids(probeMarker).length === 2, 'the probe and its child running');
  await pilot.stop();
  await expect(starting).rejects.toMatchObject({ code: 'PILOT_STOPPED' });
  expect(spawned).toEqual(['svc']);
  expect(sandbox.leftovers()).toEqual([]);
  await eventually(() => markedPids(probeMarker).length === 0, 'the probe and its child are gone');
});

test('a probe executable that does not exist fails the start at once, naming it', async () => {
  const { pilot } = await execPilot({ command: ['pilot-no-such-probe', '--ready'] });
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect(error).toMatchObject({ code: 'PILOT_READINESS_FAILED', process: 'svc' });
  expect((error as Error).message).toContain('ready_params.command: the probe executable "pilot-no-such-probe" was not found (searched PATH)');
  expect(sandbox.leftovers()).toEqual([]);
});

test('a missing probe working directory fails the start at once, naming it', async () => {
  const { pilot } = await execPilot({ command: ['true'], cwd: 'missing' });
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect(error).toMatchObject({ code: 'PILOT_READINESS_FAILED', process: 'svc' });
  expect((error as Error).message).toContain(`ready_params.cwd: the probe's working directory ${join(sandbox.directory, 'missing')} does not exist`);
});

test('bad options are reported at start naming processes[i].ready_params.<key>', async () => {
  const { pilot, spawned } = await execPilot({ command: 'pg_isready -h localhost', timeout_ms: 0, interval_ms: 1.5 });
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect(error).toMatchObject({ code: 'PILOT_MANIFEST_INVALID' });
  expect((error as { problems: string[] }).problems).toEqual([
    'processes[0].ready_params.command: expected the probe command as an argv array, e.g. [pg_isready, -h, localhost], got "pg_isready -h localhost" (readiness strategy "exec")',
    'processes[0].ready_params.timeout_ms: expected the per-probe timeout in milliseconds (an integer >= 1), got 0 (readiness strategy "exec")',
    'processes[0].ready_params.interval_ms: expected the pause between probes in milliseconds (an integer >= 0), got 1.5 (readiness strategy "exec")',
  ]);
  expect(spawned).toEqual([]);
});

test('a manifest naming "exec" finds this package through its package.json, with no plugins option', async () => {
  const manifest = await sandbox.manifest({ processes: [{ name: 'svc', path: fixture('service.sh'), ready_strategy: 'exec', ready_params: { command: ['true'] } }] });
  const pilot = sandbox.pilot(manifest);
  await pilot.start();
  expect(pilot.readiness.ownerOf('exec')).toBe('@pilot/plugin-ready-exec');
});

test('a host that calls process.exit() mid-probe leaves no probe behind', async () => {
  const started = join(sandbox.directory, 'probe-started');
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, [fixture('exit-mid-probe.mjs'), fixture('probe-hang.sh'), started, probeMarker], (error) => (error ? reject(error) : resolve())),
  );
  await eventually(() => markedPids(probeMarker).length === 0, 'the probe and its child are gone');
});

test('an unknown key is named with a suggestion', async () => {
  const { pilot } = await execPilot({ command: ['true'], timout_ms: 5 });
  const error = await pilot.initialize().then(() => undefined, (e: unknown) => e);
  expect((error as { problems: string[] }).problems).toEqual([expect.stringMatching(/^processes\[0\]\.ready_params: unknown key "timout_ms" \(did you mean "timeout_ms"\?\)/)]);
});
