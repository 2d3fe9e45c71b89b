// Bundles the compiled library, the `pilot` command, the testing entry and the readiness plugins
// core ships with (file, tcp, fifo) into dist/bundle with shared chunks, so that they load as a
// handful of files instead of ~250 (zod alone is ~100 modules): `pilot run` starts ~100 ms sooner.
// Splitting keeps a single copy of the engine: the CLI, the bundled plugins and plugins that
// import '@pilot/core' all see the same classes. Modules loaded on demand stay external.
// The bundled plugins are the packages' own tsc output (plugins/ready-*/dist), so build them
// first (`npm run build` does: tsc -b, then this script); core has no dependency on them.
import { build } from 'esbuild';
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
// The list is core's own (src/plugins/builtin-plugins.ts, compiled by tsc before this runs).
const { BUNDLED_PLUGINS } = await import('./dist/plugins/builtin-plugins.js');
const pluginEntries = Object.fromEntries(
  BUNDLED_PLUGINS.map((plugin) => [plugin.entry.replace(/^dist\/bundle\/|\.js$/g, ''), join(root, '..', 'plugins', plugin.folder, 'dist', 'index.js')]),
);
for (const [name, file] of Object.entries(pluginEntries)) {
  if (!existsSync(file)) throw new Error(`bundle: ${file} is missing; build the plugin first (npm run build at the repository root), then bundle ${name}`);
}
// zod's namespace re-exports every locale (358 kB, a third of the engine chunk) though only `en`
// is ever configured: in this bundle `z.locales` (and `z.core.locales`) holds `en` alone.
// Plugins and users import their own zod, with every locale.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(bundle) {
    bundle.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, ({ importer }) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/][^\\/]+$/.test(importer) ? { path: join(dirname(importer), '..', 'locales', 'en.js'), namespace: 'zod-locales' } : undefined,
    );
    bundle.onLoad({ filter: /.*/, namespace: 'zod-locales' }, ({ path }) => ({ contents: `export { default as en } from ${JSON.stringify(path)};`, resolveDir: root }));
  },
};
// Chunk names carry content hashes: clear old ones so the package never ships stale files.
rmSync(join(root, 'dist/bundle'), { recursive: true, force: true });
// yaml is CommonJS in ~70 files, required on demand (a synchronous require, for fromYaml): one
// pre-bundled file beside the chunks loads in a third of the time. load.ts requires it by the
// name defined below; run from src or tsc's output it requires the package.
await build({
  absWorkingDir: root,
  entryPoints: [createRequire(join(root, 'package.json')).resolve('yaml')],
  outfile: 'dist/bundle/yaml.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
await build({
  absWorkingDir: root,
  entryPoints: { index: 'dist/index.js', pilot: 'dist/cli/main.js', testing: 'dist/testing/index.js', ...pluginEntries },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The bundled plugins import '@pilot/core': that is this bundle's own engine, not a package.
  alias: { '@pilot/core': './dist/index.js' },
  external: ['pidusage', 'tree-kill', 'yaml'],
  define: { PILOT_BUNDLED_YAML: JSON.stringify('./yaml.cjs') },
  plugins: [zodEnglishOnly],
  // Chained through tsc's maps to src/*.ts (shipped in the package): with --enable-source-maps a
  // user's stack trace names our TypeScript files and lines.
  sourcemap: true,
  // CommonJS dependencies (commander, tapable) call require() for Node's built-ins.
  banner: { js: "import { createRequire as __pilotCreateRequire } from 'node:module'; const require = __pilotCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
chmodSync(join(root, 'dist/bundle/pilot.js'), 0o755);
