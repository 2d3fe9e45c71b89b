import { readFileSync } from 'node:fs';
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

const PATTERNS = ['@pilot/plugin-*/package.json', 'pilot-plugin-*/package.json', '@*/pilot-plugin-*/package.json'];

/**
 * Installed plugin packages, found with globby in every `node_modules` above `directories`
 * (and above @pilot/core itself), read from their package.json only: nothing is imported.
 * The first package found for a name wins, nearest directory first; the plugins bundled in
 * core (builtin-plugins.ts) come last, so an installed copy of one of them is preferred.
 */
export async function discoverPluginPackages(directories: readonly string[]): Promise<PluginPackage[]> {
  // Imported on demand: globby costs ~90 ms of start-up and most runs never need discovery.
  const { globbySync } = await import('globby');
  const found = new Map<string, PluginPackage>();
  for (const modules of nodeModulesAbove([...directories, CORE_DIRECTORY])) {
    for (const manifestFile of globbySync(PATTERNS, { cwd: modules, absolute: true, followSymbolicLinks: true, deep: 3 })) {
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
    return undefined; // an unreadable package.json is not ours to judge
  }
}
