import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { Sandbox } from '../support/index.js';

// Runs a user's program against the built bundle (npm run build first), as an installed core runs.
const bundle = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'bundle', 'index.js');
let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => {
  await sandbox.cleanup();
});

test('with --enable-source-maps, a stack trace from the bundle names core/src/*.ts', () => {
  const program = sandbox.file(
    'user-program.mjs',
    `import { ProcessManifest } from ${JSON.stringify(pathToFileURL(bundle).href)};\n` +
      `try { ProcessManifest.fromObject({ processes: [{ name: 'x' }] }); } catch (error) { console.log(error.stack); }\n`,
  );
  const mapped = spawnSync(process.execPath, ['--enable-source-maps', program], { encoding: 'utf8', timeout: 30_000 });
  expect(mapped.stderr).toBe('');
  expect(mapped.stdout).toMatch(/^ {4}at .*core\/src\/manifest\/\S+\.ts:\d+:\d+\)?$/m);
  // Without the flag the same frames point into the bundle: the maps are what makes the difference.
  const plain = spawnSync(process.execPath, [program], { encoding: 'utf8', timeout: 30_000 });
  expect(plain.stdout).not.toMatch(/core\/src\/\S+\.ts:\d+/);
  expect(plain.stdout).toMatch(/dist\/bundle\/\S+\.js:\d+/);
});
