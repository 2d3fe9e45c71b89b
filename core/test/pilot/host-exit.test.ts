import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { chooseContainment } from '../../src/executor/containment.js';
import { Sandbox, eventually, fixture, isAlive } from '../support/index.js';

let sandbox: Sandbox;
let hosts: ChildProcess[] = [];
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => {
  // A host left alive by a failed test would keep its pilot's children alive too.
  for (const host of hosts) if (host.exitCode === null && host.signalCode === null) host.kill('SIGKILL');
  hosts = [];
  expect(await sandbox.cleanup()).toEqual([]);
});

/** Run fixtures/host.mjs over a manifest with a process tree, resolve once the pilot is ready. */
async function startHost(ending: string, containment?: string) {
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'family', path: fixture('with-grandchildren.sh') },
      { name: 'single', path: fixture('sleep-forever.sh') },
    ],
  });
  const env = containment ? { ...process.env, PILOT_CONTAINMENT: containment } : process.env;
  const host = spawn(process.execPath, [fixture('host.mjs'), manifest.source!, ending], { stdio: ['ignore', 'pipe', 'pipe'], env });
  hosts.push(host);
  let output = '';
  host.stdout.on('data', (chunk) => (output += chunk));
  host.stderr.on('data', (chunk) => (output += chunk));
  await eventually(() => output.includes('ready'), `the host to report ready (output so far: ${output})`, 20_000);
  // Every child is up: main processes plus the three grandchildren of "family".
  await eventually(() => sandbox.leftovers().length === 5, 'all five processes');
  return { host, output: () => output };
}

test('when the host calls process.exit(), its children do not outlive it', async () => {
  const { host } = await startHost('exit');
  host.kill('SIGUSR1');
  await once(host, 'exit');
  await eventually(() => sandbox.leftovers().length === 0, 'the children, grandchildren included, to be gone');
});

test('when the host dies of an uncaught exception, its children do not outlive it', async () => {
  const { host, output } = await startHost('throw');
  host.kill('SIGUSR1');
  const [code] = await once(host, 'exit');
  expect(code).toBe(1);
  expect(output()).toContain('host crashed');
  await eventually(() => sandbox.leftovers().length === 0, 'the children, grandchildren included, to be gone');
});

test('SIGTERM to a host that did not handle signals: the pilot stops its children gracefully, then the host exits', async () => {
  const { host } = await startHost('wait');
  host.kill('SIGTERM');
  const [, signal] = await once(host, 'exit');
  expect(signal).toBe('SIGTERM');
  expect(sandbox.leftovers()).toEqual([]);
});

test('process groups: when the host is SIGKILLed (no exit handler runs), the lifeline kills its groups', async () => {
  const { host } = await startHost('wait', 'groups');
  host.kill('SIGKILL');
  await once(host, 'exit');
  // Group kills reach main processes and grandchildren; a setsid escapee left its group.
  await eventually(() => sandbox.leftovers().length <= 1, 'the process groups to be gone');
  const survivors = sandbox.leftovers();
  expect(survivors.length).toBeLessThanOrEqual(1);
  for (const pid of survivors) process.kill(pid, 'SIGKILL'); // the documented setsid limit
  await eventually(() => sandbox.leftovers().length === 0, 'the setsid escapee to be gone');
});

const cgroupAvailable = (() => {
  try {
    chooseContainment('cgroup');
    return true;
  } catch {
    return false;
  }
})();
const withCgroup = cgroupAvailable ? test : test.skip;

withCgroup('cgroup containment: when the host is SIGKILLed the lifeline kills the whole cgroup, setsid escapee included', async () => {
  const { host } = await startHost('wait', 'cgroup');
  host.kill('SIGKILL');
  await once(host, 'exit');
  await eventually(() => sandbox.leftovers().length === 0, 'every process, the setsid escapee included, to be gone');
});

/** The lifeline of host `hostPid`: its child marked PILOT_LIFELINE=<hostPid> (found by pid, never by name). */
function lifelineOf(hostPid: number): number | undefined {
  const children: number[] = [];
  for (const task of readdirSync(`/proc/${hostPid}/task`)) {
    children.push(...readFileSync(`/proc/${hostPid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
  }
  return children.find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`PILOT_LIFELINE=${hostPid}`) && isAlive(pid);
    } catch {
      return false;
    }
  });
}

describe.each(cgroupAvailable ? ['groups', 'cgroup'] : ['groups'])('PILOT_CONTAINMENT=%s', (containment) => {
  async function hostOver(ending: string) {
    const manifest = await sandbox.manifest({ processes: [{ name: 'a', path: fixture('sleep-forever.sh') }, { name: 'b', path: fixture('grandchild-traps.sh') }] });
    const host = spawn(process.execPath, [fixture('host-containment.mjs'), manifest.source!, ending], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PILOT_CONTAINMENT: containment } });
    hosts.push(host);
    let output = '';
    host.stdout.on('data', (chunk) => (output += chunk));
    host.stderr.on('data', (chunk) => (output += chunk));
    return { host, output: () => output };
  }

  test('a host SIGKILLed the moment start() resolved leaves nothing behind', async () => {
    const { host, output } = await hostOver('suicide');
    const [, signal] = await once(host, 'exit');
    expect([signal, output()]).toEqual(['SIGKILL', '']);
    await eventually(() => sandbox.leftovers().length === 0, 'the children of the killed host to be gone');
  });

  test('a lifeline that was killed is restarted; a host SIGKILLed after that leaves nothing behind', async () => {
    const { host, output } = await hostOver('wait');
    await eventually(() => output().includes('ready'), `the host to report ready (output so far: ${output()})`, 20_000);
    await eventually(() => sandbox.leftovers().length === 4, 'a, b and its grandchild (b runs as sh + grandchild sh + sleeps)');
    const first = lifelineOf(host.pid!)!;
    expect(first).toBeGreaterThan(1);
    process.kill(first, 'SIGKILL');
    await eventually(() => (lifelineOf(host.pid!) ?? first) !== first, 'a new lifeline');
    host.kill('SIGKILL');
    await once(host, 'exit');
    await eventually(() => sandbox.leftovers().length === 0, 'the children of the killed host to be gone');
  });
});
