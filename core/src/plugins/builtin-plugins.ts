import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A plugin package whose compiled entry point ships inside @pilot/core's bundle, so that
 * `npm install @pilot/core` alone runs manifests that use it. The package is still published
 * on its own (for people who pin it); an installed copy wins over the bundled one.
 */
export interface BuiltinPlugin {
  name: string;
  /** The package's directory when installed (discovery's PluginPackage shape, so a bundled plugin is one). */
  directory: string;
  /** What it provides; the bundled ones are readiness strategies. */
  provides: { readonly [kind: string]: string[] | undefined };
  /** The bundled entry point, relative to core's directory (written by core/bundle.mjs). */
  entry: string;
}

/**
 * The directory of the running @pilot/core. This file sits two levels below it in every form:
 * src/plugins (tests), dist/plugins (tsc output) and dist/bundle (the bundle's chunks).
 */
export const CORE_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where core/bundle.mjs writes the bundled plugins, relative to core's directory. */
export const BUILTIN_DIRECTORY = 'dist/bundle';

const builtin = (folder: string, ...names: string[]): BundledPlugin => ({
  name: `@pilot/plugin-${folder}`,
  folder,
  entry: `${BUILTIN_DIRECTORY}/plugin-${folder}.js`,
  provides: { readiness: names },
});

/** A bundled plugin as core/bundle.mjs reads it: `folder` is its directory under plugins/. */
export type BundledPlugin = Omit<BuiltinPlugin, 'directory'> & { folder: string };

/** The bundled plugins: the readiness strategies most manifests use. bundle.mjs bundles these. */
export const BUNDLED_PLUGINS: readonly BundledPlugin[] = [builtin('ready-file', 'file'), builtin('ready-tcp', 'tcp'), builtin('ready-fifo', 'fifo', 'pipe')];

/**
 * The bundled plugins of the core installed at `coreDirectory`, as discovery reports packages.
 * Only those whose bundled file exists: running core from source without a build has none.
 */
export function builtinPlugins(coreDirectory = CORE_DIRECTORY): BuiltinPlugin[] {
  return BUNDLED_PLUGINS.map(({ folder: _folder, ...plugin }) => ({ ...plugin, directory: join(coreDirectory, BUILTIN_DIRECTORY) })).filter((plugin) =>
    existsSync(join(coreDirectory, plugin.entry)),
  );
}

/** The bundled entry file for package `specifier`, if core bundles it. */
export function builtinEntry(specifier: string, coreDirectory = CORE_DIRECTORY): string | undefined {
  const plugin = builtinPlugins(coreDirectory).find((candidate) => candidate.name === specifier);
  return plugin && join(coreDirectory, plugin.entry);
}
