// Bundles the compiled library and the `pilot` command into dist/bundle with a shared chunk, so
// that both load as a handful of files instead of ~250 (zod alone is ~100 modules): `pilot run`
// starts ~100 ms sooner. One shared chunk keeps a single copy of the engine, so plugins that
// import '@pilot/core' and the CLI see the same classes. Modules loaded on demand stay external.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
// Chunk names carry content hashes: clear old ones so the package never ships stale files.
rmSync(join(root, 'dist/bundle'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { index: 'dist/index.js', pilot: 'dist/cli/main.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['globby', 'pidusage', 'tree-kill', 'yaml'],
  // CommonJS dependencies (commander, tapable) call require() for Node's built-ins.
  banner: { js: "import { createRequire as __pilotCreateRequire } from 'node:module'; const require = __pilotCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
chmodSync(join(root, 'dist/bundle/pilot.js'), 0o755);
