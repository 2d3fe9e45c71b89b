import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { Sandbox } from '../support/index.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

async function outputOf(entry: Record<string, unknown>): Promise<string[]> {
  const manifest = await sandbox.manifest({ processes: [{ name: 'p', shutdown_strategy: 'do_not_restart', ...entry } as never] });
  const pilot = sandbox.pilot(manifest);
  await pilot.start();
  await pilot.waitFor('p', 'exited');
  return pilot.logs('p').map((line) => line.text);
}

test('env is merged over the parent environment', async () => {
  process.env.PILOT_PARENT_VALUE = 'from-parent';
  try {
    const lines = await outputOf({ path: 'sh', args: ['-c', 'echo "$PILOT_PARENT_VALUE $OWN"'], env: { OWN: 'own' } });
    expect(lines).toEqual(['from-parent own']);
  } finally {
    delete process.env.PILOT_PARENT_VALUE;
  }
});

test('args are passed literally, never through a shell', async () => {
  const lines = await outputOf({ path: 'printf', args: ['%s|', '$HOME', '; echo injected', '*'] });
  expect(lines).toEqual(['$HOME|; echo injected|*|']);
});

test('shell: true runs the command line through /bin/sh', async () => {
  const lines = await outputOf({ path: 'echo one && echo two', shell: true });
  expect(lines).toEqual(['one', 'two']);
});

test('affinity pins the process to the listed CPUs (Linux)', async () => {
  const lines = await outputOf({ path: 'sh', args: ['-c', 'grep Cpus_allowed_list /proc/self/status'], affinity: [0] });
  expect(lines).toEqual([expect.stringMatching(/^Cpus_allowed_list:\s+0$/)]);
});

test('the child leads its own process group, so stopping it can never signal the pilot', async () => {
  const manifest = await sandbox.manifest({ processes: [{ name: 'p', path: 'sh', args: ['-c', 'cut -d" " -f5 /proc/$$/stat; exec sleep 1000'] }] });
  const pilot = sandbox.pilot(manifest);
  await pilot.start();
  const line = await new Promise<string>((resolve) => {
    const existing = pilot.logs('p')[0];
    if (existing) resolve(existing.text);
    else pilot.hooks.output.tap('test', (_info, l) => resolve(l.text));
  });
  expect(Number(line.trim())).toBe(pilot.getRunningProcess('p')!.pid);
});
