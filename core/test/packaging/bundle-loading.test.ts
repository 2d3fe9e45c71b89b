import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { Sandbox, fixture } from '../support/index.js';

// What the built bundle loads (npm run build first): start-up time is mostly module loading.
const bundleDirectory = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'bundle');
let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

test('a YAML manifest is parsed by the one-file yaml beside the chunks, not the ~70 files of the package', () => {
  const manifest = sandbox.file('pilot.yaml', `processes:\n  - { name: p, path: ${fixture('sleep-forever.sh')}, ready_strategy: file, ready_params: { path: ready } }\n`);
  const program = sandbox.file(
    'user-program.mjs',
    `import { createRequire } from 'node:module';\n` +
      `import { ProcessManifest } from ${JSON.stringify(pathToFileURL(join(bundleDirectory, 'index.js')).href)};\n` +
      `const manifest = await ProcessManifest.fromFile(${JSON.stringify(manifest)});\n` +
      `console.log(JSON.stringify({ name: manifest.processes[0].name, loaded: Object.keys(createRequire(import.meta.url).cache) }));\n`,
  );
  const result = spawnSync(process.execPath, [program], { encoding: 'utf8', timeout: 30_000 });
  expect(result.stderr).toBe('');
  const { name, loaded } = JSON.parse(result.stdout) as { name: string; loaded: string[] };
  expect(name).toBe('p');
  expect(loaded).toContain(join(bundleDirectory, 'yaml.cjs'));
  expect(loaded.filter((file) => file.includes(`${join('node_modules', 'yaml')}`))).toEqual([]);
});

test('pilot --version answers without loading the command tree', () => {
  // NODE_DEBUG=module would list CommonJS only; the engine and commander are ESM chunks, so trace the opens.
  const traced = spawnSync('strace', ['-f', '-e', 'trace=openat', process.execPath, join(bundleDirectory, 'pilot.js'), '--version'], { encoding: 'utf8', timeout: 30_000 });
  if (traced.error) return expect((traced.error as NodeJS.ErrnoException).code).toBe('ENOENT'); // no strace here: nothing to observe
  expect(traced.stdout).toMatch(/^\d+\.\d+\.\d+/);
  const opened = [...traced.stderr.matchAll(/openat\(.*?"([^"]+\.(?:m?js|cjs))"/g)].map((match) => match[1]!);
  expect(opened.filter((file) => file.startsWith(bundleDirectory))).toEqual([join(bundleDirectory, 'pilot.js')]);
});
