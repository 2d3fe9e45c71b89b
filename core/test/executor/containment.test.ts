import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chooseContainment, type Containment } from '../../src/executor/containment.js';
import { LocalExecutor } from '../../src/executor/local-executor.js';
import { sampleTree } from '../../src/process/tree-usage.js';
import { Sandbox, eventually, fixture, isAlive } from '../support/index.js';
import { canChoosePids, spawnWithPid } from './chosen-pid.js';

let sandbox: Sandbox;
let strangers: ChildProcess[] = [];
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => {
  // The strangers carry the sandbox's marker: wait until each is really gone before the
  // leftover check, or a SIGKILLed stranger still dying counts as a leftover of the pilot.
  const alive = strangers.filter((stranger) => stranger.exitCode === null && stranger.signalCode === null);
  const gone = alive.map((stranger) => once(stranger, 'exit'));
  for (const stranger of alive) stranger.kill('SIGKILL');
  await Promise.all(gone);
  strangers = [];
  expect(await sandbox.cleanup()).toEqual([]);
});

const cgroup = (() => {
  try {
    return chooseContainment('cgroup');
  } catch {
    return undefined;
  }
})();
const backends: [string, Containment | undefined][] = [
  ['process groups', chooseContainment('groups')],
  ['cgroup v2', cgroup],
];
const cgroupOnly = cgroup ? test : test.skip;

async function startPilot(containment: Containment, processes: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  const manifest = await sandbox.manifest({ ...extra, processes: processes as never });
  const executor = new LocalExecutor(containment);
  const pilot = sandbox.pilot(manifest, { executor });
  await pilot.start();
  return { pilot, executor };
}

const lines = (pilot: { logs(name: string): { text: string }[] }, name: string) => pilot.logs(name).map((line) => line.text);

describe.each(backends)('%s', (_label, containment) => {
  const run = containment ? test : test.skip;

  run('background, double-forked and setsid grandchildren are gone after a graceful stop', async () => {
    const { pilot } = await startPilot(containment!, [{ name: 'p', path: fixture('with-grandchildren.sh') }]);
    await eventually(() => sandbox.leftovers().length === 4, 'main + 3 grandchildren');
    await pilot.stop();
    expect(sandbox.leftovers()).toEqual([]);
  });

  run('a child that keeps forking setsid children that ignore TERM while it is stopped leaves nothing', async () => {
    const { pilot } = await startPilot(containment!, [{ name: 'p', path: fixture('fork-on-term.sh'), timeout: 1 }]);
    await eventually(() => lines(pilot, 'p').some((text) => text.startsWith('forking')), 'the fixture to start');
    await pilot.stop();
    expect(lines(pilot, 'p').filter((text) => text === 'forked').length).toBeGreaterThan(3);
    expect(sandbox.leftovers()).toEqual([]);
  });

  run('kill_mode mixed: only the main process gets SIGTERM, so its setsid backends finish cleanly (postgres smart shutdown)', async () => {
    const { pilot } = await startPilot(containment!, [{ name: 'db', path: fixture('postgres-like.sh'), args: [sandbox.directory], kill_mode: 'mixed', timeout: 5 }]);
    await eventually(() => lines(pilot, 'db').filter((text) => / ready$/.test(text)).length === 3, 'main + 2 backends with their traps set');
    await pilot.stop();
    const files = readdirSync(sandbox.directory).filter((name) => name.startsWith('backend-')).sort();
    expect(files).toEqual(['backend-1.clean', 'backend-2.clean']);
    expect(lines(pilot, 'db')).toContain('main done');
    expect(sandbox.leftovers()).toEqual([]);
  });

  run('kill_mode control-group (the default): the setsid backends get SIGTERM directly', async () => {
    const { pilot } = await startPilot(containment!, [{ name: 'db', path: fixture('postgres-like.sh'), args: [sandbox.directory], timeout: 5 }]);
    await eventually(() => lines(pilot, 'db').filter((text) => / ready$/.test(text)).length === 3, 'main + 2 backends with their traps set');
    await pilot.stop();
    const files = readdirSync(sandbox.directory).filter((name) => name.startsWith('backend-')).sort();
    expect(files).toEqual(['backend-1.term', 'backend-2.term']);
    expect(sandbox.leftovers()).toEqual([]);
  });

  run('kill_mode process: what the main process leaves behind gets the stop signal once it is gone, SIGKILL at the timeout', async () => {
    const { pilot } = await startPilot(containment!, [{ name: 'p', path: fixture('grandchild-traps.sh'), kill_mode: 'process', timeout: 1 }]);
    await eventually(() => lines(pilot, 'p').some((text) => text.startsWith('grandchild')), 'the grandchild to start');
    const exits: (number | null)[] = [];
    pilot.hooks.exit.tap('test', (_info, exit) => exits.push(exit.code));
    await pilot.stop();
    expect(exits).toEqual([0]);
    expect(sandbox.leftovers()).toEqual([]);
  });

  const reuse = containment && canChoosePids() ? test : test.skip;
  reuse('a stranger given the pid (and group number) of a stopped run is never hit by the kill_timeout deadline kill', async () => {
    const manifest = await sandbox.manifest({
      kill_timeout: 1.5,
      processes: [
        { name: 'quick', path: fixture('sleep-forever.sh') },
        { name: 'slow', path: fixture('trap-term.sh'), timeout: 600 },
      ],
    });
    const pilot = sandbox.pilot(manifest, { executor: new LocalExecutor(containment!) });
    await pilot.start();
    await eventually(() => lines(pilot, 'slow').some((text) => text.startsWith('trapping')), 'the trap to be set');
    const quickPid = pilot.getRunningProcess('quick')!.pid!;
    pilot.hooks.exit.tap('test', (info) => {
      // The very moment "quick" is reaped its number is free: a stranger takes it, as a group leader.
      if (info.name !== 'quick') return;
      const stranger = spawnWithPid(quickPid, sandbox.marker);
      if (stranger) strangers.push(stranger);
    });
    await pilot.stop();
    expect(strangers.map((stranger) => stranger.pid)).toEqual([quickPid]);
    expect(isAlive(quickPid)).toBe(true);
  });
});

cgroupOnly('a classic double-fork daemon that calls setsid and ignores TERM is gone after a graceful stop', async () => {
  const { pilot } = await startPilot(cgroup!, [{ name: 'p', path: fixture('daemon.sh'), args: [sandbox.directory], timeout: 1 }]);
  await eventually(() => sandbox.leftovers().length === 2, 'main + daemon');
  await pilot.stop();
  expect(sandbox.leftovers()).toEqual([]);
});

cgroupOnly('each run has a cgroup of its own, removed after the stop, and the pilot cgroup goes with the last run', async () => {
  const { pilot, executor } = await startPilot(cgroup!, [{ name: 'p', path: fixture('sleep-forever.sh') }]);
  const pid = pilot.getRunningProcess('p')!.pid!;
  expect(executor.describe()).toMatch(/^cgroup v2 \(\/.+\/pilot-\d+-\d+-\d+\)$/);
  const parent = executor.describe().slice('cgroup v2 ('.length, -1);
  await eventually(() => readdirSync(parent).some((name) => name.endsWith('-p') && existsSync(`${parent}/${name}/cgroup.procs`)), 'the run cgroup');
  const own = readdirSync(parent).find((name) => name.endsWith('-p'))!;
  expect(readFileSync(`${parent}/${own}/cgroup.procs`, 'utf8').trim()).toBe(String(pid));
  await pilot.stop();
  expect(existsSync(parent)).toBe(false);
});

cgroupOnly('stats come from the cgroup: CPU of a child that already exited still counts', async () => {
  const manifest = await sandbox.manifest({ processes: [{ name: 'p', path: fixture('burn-child.sh') }] });
  const executor = new LocalExecutor(cgroup!);
  const run = await executor.spawn('p', { command: manifest.processes[0]!.path, args: [], cwd: sandbox.directory, env: { ...(process.env as Record<string, string>), ...manifest.processes[0]!.env }, shell: false, affinity: undefined }, () => undefined);
  try {
    await eventually(() => sandbox.leftovers().length === 1 && commOf(run.pid) === 'sleep', 'the burning child to finish');
    const usage = run.sample()!;
    expect(usage.processes).toBe(1);
    expect(usage.cpuSeconds).toBeGreaterThan(0.05);
    expect(sampleTree(run.pid)!.cpuSeconds).toBeLessThan(usage.cpuSeconds / 2);
  } finally {
    await run.stop({ signal: 'SIGTERM', timeoutMs: 1000, killMode: 'control-group' });
  }
});

test('PILOT_CONTAINMENT: groups forces the fallback, an unknown value is a clear error', () => {
  expect(new LocalExecutor(chooseContainment('groups')).describe()).toBe('process groups (why: PILOT_CONTAINMENT=groups)');
  expect(() => chooseContainment('cgroups')).toThrow(/PILOT_CONTAINMENT="cgroups": expected auto, cgroup or groups/);
});

/** The command name of `pid`; '' once it is gone. */
function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}
