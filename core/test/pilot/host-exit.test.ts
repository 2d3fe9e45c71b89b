import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Sandbox, eventually, fixture } from '../support/index.js';

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
async function startHost(ending: string) {
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'family', path: fixture('with-grandchildren.sh') },
      { name: 'single', path: fixture('sleep-forever.sh') },
    ],
  });
  const host = spawn(process.execPath, [fixture('host.mjs'), manifest.source!, ending], { stdio: ['ignore', 'pipe', 'pipe'] });
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

test('when the host is SIGKILLed (no exit handler runs), the lifeline watchdog kills its children', async () => {
  const { host } = await startHost('wait');
  host.kill('SIGKILL');
  await once(host, 'exit');
  // Group kills reach main processes and grandchildren; a setsid escapee left its group.
  await eventually(() => sandbox.leftovers().length <= 1, 'the process groups to be gone');
  const survivors = sandbox.leftovers();
  expect(survivors.length).toBeLessThanOrEqual(1);
  for (const pid of survivors) process.kill(pid, 'SIGKILL'); // the documented setsid limit
  await eventually(() => sandbox.leftovers().length === 0, 'the setsid escapee to be gone');
});
