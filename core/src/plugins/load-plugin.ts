import { lstatSync, readdirSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PilotError, messageOf } from '../errors.js';
import { builtinEntry } from './builtin-plugins.js';
import { assertPlugin, type PilotPlugin } from './define-plugin.js';
import { discoverPluginPackages, type PluginPackage } from './discovery.js';

/**
 * Import a plugin module and return its plugins. The default export may be a plugin, a factory
 * returning one (called with no options), or an array of either.
 */
export async function importPlugins(file: string, label: string): Promise<PilotPlugin[]> {
  let module: { default?: unknown };
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    throw new PilotError('PILOT_PLUGIN_LOAD', `plugin ${label} (${file}) failed to load: ${messageOf(error)}`, { cause: error });
  }
  const exported = module.default;
  const values = Array.isArray(exported) ? exported : [exported];
  return values.map((value) => {
    const plugin = typeof value === 'function' ? value() : value;
    assertPlugin(plugin, `plugin ${label} (${file})`);
    return plugin;
  });
}

/**
 * Import every plugin package installed where `directories` (or @pilot/core) can see it, and the
 * plugins core bundles, resolved and imported as the pilot does for a name a manifest uses.
 * A package that fails is passed to `onSkip` with the reason and left out: one broken plugin
 * must not hide the rest (`pilot schema`).
 */
export async function importInstalledPlugins(
  directories: readonly string[],
  onSkip: (pkg: PluginPackage, reason: string) => void,
): Promise<PilotPlugin[]> {
  const plugins: PilotPlugin[] = [];
  for (const pkg of await discoverPluginPackages(directories)) {
    try {
      // Resolved from the folder holding the package, as Node resolves it for its dependents.
      plugins.push(...(await importPlugins(resolvePluginSpecifier(pkg.name, join(pkg.directory, '..')), pkg.name)));
    } catch (error) {
      onSkip(pkg, messageOf((error as { cause?: unknown }).cause ?? error));
    }
  }
  return plugins;
}

/**
 * Resolve a manifest `plugins` entry: a relative or absolute path (resolved against
 * `directory`), or a package name resolved from `directory` as Node would. A package core
 * bundles (file, tcp, fifo) resolves to core's copy when it is not installed.
 */
export function resolvePluginSpecifier(specifier: string, directory: string): string {
  if (specifier.startsWith('.') || isAbsolute(specifier)) return resolve(directory, specifier);
  try {
    return createRequire(join(directory, 'noop.js')).resolve(specifier);
  } catch (error) {
    const bundled = builtinEntry(specifier);
    if (bundled) return bundled;
    throw new PilotError(
      'PILOT_PLUGIN_LOAD',
      `plugin package "${specifier}" is not installed where ${directory} can find it; run npm install ${specifier}`,
      { cause: error },
    );
  }
}

/**
 * The plugin files of `directory` (`*.js`, `*.mjs`), sorted so loading is deterministic.
 * Only regular files inside it: a symlink that leads outside is refused with the reason.
 */
export async function listPluginFiles(directory: string): Promise<string[]> {
  let root: string;
  try {
    root = realpathSync(directory);
  } catch (error) {
    throw new PilotError('PILOT_PLUGIN_LOAD', `plugin_directory ${directory} does not exist; create it or fix the path`, { cause: error });
  }
  // One level, two suffixes: a listing is enough (no glob walk to load).
  const entries = readdirSync(root)
    .filter((name) => !name.startsWith('.') && /\.m?js$/.test(name))
    .map((name) => join(root, name));
  const files: string[] = [];
  for (const entry of entries.sort()) {
    const stats = lstatSync(entry);
    if (stats.isSymbolicLink()) {
      const target = realpathSync(entry);
      const inside = !relative(root, target).startsWith('..') && !isAbsolute(relative(root, target));
      if (!inside) {
        throw new PilotError(
          'PILOT_PLUGIN_LOAD',
          `plugin_directory ${directory}: ${entry} is a symlink to ${target}, outside the directory; copy the file in instead`,
        );
      }
      if (lstatSync(target).isFile()) files.push(target);
    } else if (stats.isFile()) files.push(entry);
  }
  return [...new Set(files)].filter((file) => file.startsWith(root + sep));
}
