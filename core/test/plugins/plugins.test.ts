import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { definePlugin, PilotError, type PilotError as PilotErrorType } from '../../src/index.js';
import { Sandbox, fixture } from '../support/index.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

async function oneProcess(extra: Record<string, unknown> = {}, top: Record<string, unknown> = {}) {
  return sandbox.manifest({ ...top, processes: [{ name: 'p', path: fixture('sleep-forever.sh'), ...extra }] });
}

test('a throwing tap is reported naming plugin and hook; the pilot goes on and strands nothing', async () => {
  const pilot = sandbox.pilot(await oneProcess());
  const reported: PilotErrorType[] = [];
  pilot.hooks.pluginError.tap('test', (error) => reported.push(error));
  pilot.hooks.spawn.tap('bad-plugin', () => {
    throw new Error('boom');
  });
  pilot.hooks.beforeStart.tapPromise('bad-async', async () => {
    throw new Error('async boom');
  });
  pilot.hooks.beforeSpawn.tap('bad-waterfall', () => {
    throw new Error('waterfall boom');
  });
  await pilot.start();
  expect(pilot.getRunningProcess('p')!.status).toBe('running');
  expect(reported.map((error) => [error.code, error.plugin, error.hook, error.message])).toEqual([
    ['PILOT_PLUGIN_HOOK', 'bad-async', 'beforeStart', '[plugin bad-async] hook "beforeStart" failed: async boom'],
    ['PILOT_PLUGIN_HOOK', 'bad-waterfall', 'beforeSpawn', '[plugin bad-waterfall] hook "beforeSpawn" failed: waterfall boom'],
    ['PILOT_PLUGIN_HOOK', 'bad-plugin', 'spawn', '[plugin bad-plugin] hook "spawn" failed: boom'],
  ]);
});

test('beforeSpawn is a waterfall over the spawn request', async () => {
  const pilot = sandbox.pilot(await oneProcess({ path: 'sh', args: ['-c', 'echo "$GREETING"; exec sleep 1000'] }));
  pilot.hooks.beforeSpawn.tap('env-plugin', (request) => ({ ...request, env: { ...request.env, GREETING: 'hello from a plugin' } }));
  const line = new Promise((resolve) => pilot.hooks.output.tap('test', (_info, l) => resolve(l.text)));
  await pilot.start();
  await expect(line).resolves.toBe('hello from a plugin');
});

test('lifecycle hook groups run only for processes that list them, on_shutdown included for a requested stop', async () => {
  const calls: string[] = [];
  const plugin = definePlugin({
    name: 'notify-plugin',
    apply(pilot) {
      pilot.lifecycleHooks.register({
        name: 'notify',
        pre_start: ({ spec }) => void calls.push(`pre_start ${spec.name}`),
        post_start: ({ info }) => void calls.push(`post_start ${info.name} ${typeof info.pid}`),
        on_shutdown: ({ spec }) => void calls.push(`on_shutdown ${spec.name}`),
      });
    },
  });
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'listed', path: fixture('sleep-forever.sh'), lifecycle_hooks: ['notify'] },
      { name: 'unlisted', path: fixture('sleep-forever.sh') },
    ],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [plugin] });
  await pilot.start();
  await pilot.stop();
  expect(calls).toEqual(['pre_start listed', 'post_start listed number', 'on_shutdown listed']);
});

test('registering the same readiness name twice names both plugins', async () => {
  const strategy = { name: 'same', wait: async () => undefined };
  const pilot = sandbox.pilot(await oneProcess());
  pilot.registerPlugins([definePlugin({ name: 'first', apply: (p) => p.readiness.register(strategy) })]);
  expect(() => pilot.registerPlugins([definePlugin({ name: 'second', apply: (p) => p.readiness.register(strategy) })])).toThrow(
    'readiness strategy "same" is registered twice: by plugin "first" and by plugin "second"; remove one of the two plugins',
  );
});

test('definePlugin rejects a wrong shape with a message saying what is expected', () => {
  expect(() => definePlugin({ name: '', apply: () => undefined })).toThrow(PilotError);
  expect(() => definePlugin({ name: 'x' } as never)).toThrow(/expected a plugin \{ name: string, apply\(context\) \}, got an object with keys \[name\]/);
});

test('plugin_directory: files load in name order; throwing, wrong-shaped and escaping entries are refused naming the file', async () => {
  const dir = join(sandbox.directory, 'plugins');
  mkdirSync(dir);
  sandbox.file(
    'plugins/a-ready.mjs',
    "export default { name: 'dir-plugin', apply(pilot) { pilot.readiness.register({ name: 'instant', wait: async () => {} }); } };\n",
  );
  const pilot = sandbox.pilot(await oneProcess({ ready_strategy: 'instant' }, { plugin_directory: 'plugins' }));
  await pilot.start();
  expect(pilot.readiness.ownerOf('instant')).toBe('dir-plugin');
  await pilot.stop();

  sandbox.file('plugins/b-throws.mjs', "throw new Error('cannot load me');\n");
  const throwing = sandbox.pilot(await oneProcess({}, { plugin_directory: 'plugins' }));
  await expect(throwing.start()).rejects.toThrow(/plugin .*b-throws\.mjs .*failed to load: cannot load me/);

  const other = join(sandbox.directory, 'plugins2');
  mkdirSync(other);
  sandbox.file('plugins2/shape.mjs', 'export default 42;\n');
  const shaped = sandbox.pilot(await oneProcess({}, { plugin_directory: 'plugins2' }));
  await expect(shaped.start()).rejects.toThrow(/shape\.mjs\): expected a plugin \{ name: string, apply\(context\) \}, got number/);

  const third = join(sandbox.directory, 'plugins3');
  mkdirSync(third);
  symlinkSync(join(sandbox.directory, 'plugins', 'a-ready.mjs'), join(third, 'escape.mjs'));
  const escaping = sandbox.pilot(await oneProcess({}, { plugin_directory: 'plugins3' }));
  await expect(escaping.start()).rejects.toThrow(/escape\.mjs is a symlink to .*a-ready\.mjs, outside the directory/);
});

test('a name provided by an installed package is found through package.json discovery', async () => {
  // @pilot/plugin-ready-file is installed in the workspace and declares "pilot": { "readiness": ["file"] }.
  const manifest = await oneProcess({ ready_strategy: 'definitely-missing' });
  const error = await sandbox.pilot(manifest).initialize().then(() => undefined, (e: unknown) => e);
  expect((error as Error).message).toMatch(/available: .*file \(@pilot\/plugin-ready-file\)/);
});
