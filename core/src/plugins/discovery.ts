import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { builtinPlugins, CORE_DIRECTORY } from './builtin-plugins.js';

/** The registry kinds a package can declare in `package.json` under `"pilot"`. */
export type ProvidedKind = 'readiness' | 'statsHandlers' | 'lifecycleHooks' | 'controlServers' | 'executors';

/** An installed plugin package and what it declares it provides. */
export interface PluginPackage {
  name: string;
  /** The package directory. */
  directory: string;
  provides: Partial<Record<ProvidedKind, string[]>>;
}

/**
 * Installed plugin packages, found in every `node_modules` above `directories` (and above
 * @pilot/core itself) by name: `@pilot/plugin-*`, `pilot-plugin-*` and `@scope/pilot-plugin-*`,
 * read from their package.json only: nothing is imported. The first package found for a name
 * wins, nearest directory first; the plugins bundled in core (builtin-plugins.ts) come last, so
 * an installed copy of one of them is preferred.
 */
export async function discoverPluginPackages(directories: readonly string[]): Promise<PluginPackage[]> {
  discoveryRuns += 1;
  const found = new Map<string, PluginPackage>();
  for (const modules of nodeModulesAbove([...directories, CORE_DIRECTORY])) {
    for (const manifestFile of pluginManifestsIn(modules)) {
      const pkg = readPackage(manifestFile);
      if (pkg && !found.has(pkg.name)) found.set(pkg.name, pkg);
    }
  }
  for (const pkg of builtinPlugins()) if (!found.has(pkg.name)) found.set(pkg.name, pkg);
  return [...found.values()];
}

/** The package that declares `name` for `kind`, if one is installed. */
export function providerOf(packages: readonly PluginPackage[], kind: ProvidedKind, name: string): PluginPackage | undefined {
  return packages.find((pkg) => pkg.provides[kind]?.includes(name));
}

let discoveryRuns = 0;

/** How many times {@link discoverPluginPackages} listed node_modules in this process (tests check a manifest of built-ins never does). */
export const discoveryCount = (): number => discoveryRuns;

/**
 * The nearest installed copy of package `name` that declares what it provides, looked up
 * directly (one package.json read per `node_modules` above `directories`), without listing
 * anything: enough for a plugin core bundles, whose package name is known.
 */
export function installedPackage(name: string, directories: readonly string[]): PluginPackage | undefined {
  for (const modules of nodeModulesAbove([...directories, CORE_DIRECTORY])) {
    const pkg = readPackage(join(modules, name, 'package.json'));
    if (pkg?.name === name) return pkg;
  }
  return undefined;
}

/** The package.json of a plugin package found in `modules`, sorted by path; none when it does not exist. */
function pluginManifestsIn(modules: string): string[] {
  // Two fixed levels (a name, or a scope and a name): a listing is enough, no glob walk.
  const files: string[] = [];
  for (const entry of list(modules)) {
    if (entry.startsWith('pilot-plugin-')) files.push(join(modules, entry, 'package.json'));
    if (!entry.startsWith('@')) continue;
    for (const inner of list(join(modules, entry))) {
      if (inner.startsWith('pilot-plugin-') || (entry === '@pilot' && inner.startsWith('plugin-'))) files.push(join(modules, entry, inner, 'package.json'));
    }
  }
  return files;
}

/** Entry names of a directory, sorted; none when it is missing or unreadable (symlinks are followed when read). */
function list(directory: string): string[] {
  try {
    return readdirSync(directory).sort();
  } catch {
    return [];
  }
}

function nodeModulesAbove(directories: readonly string[]): string[] {
  const result: string[] = [];
  for (let directory of directories) {
    for (;;) {
      const candidate = join(directory, 'node_modules');
      if (!result.includes(candidate)) result.push(candidate);
      const parent = dirname(directory);
      if (parent === directory) break;
      directory = parent;
    }
  }
  return result;
}

function readPackage(file: string): PluginPackage | undefined {
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; pilot?: Partial<Record<ProvidedKind, string[]>> };
    if (typeof json.name !== 'string' || typeof json.pilot !== 'object' || json.pilot === null) return undefined;
    return { name: json.name, directory: dirname(file), provides: json.pilot };
  } catch {
    return undefined; // missing, or an unreadable package.json: not ours to judge
  }
}
