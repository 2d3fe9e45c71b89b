import { BUNDLED_PLUGINS, builtinPlugins } from './builtin-plugins.js';
import { discoverPluginPackages, installedPackage, providerOf, type PluginPackage, type ProvidedKind } from './discovery.js';

/**
 * Finds the package that provides a name a manifest uses. A name core bundles (file, tcp, fifo,
 * pipe) always comes from its own package: an installed copy when one is found above
 * `directories` (someone pinning a version), else the bundled file, so such a manifest never
 * lists node_modules. Any other name is looked up among all installed plugin packages,
 * listed once per lookup object.
 */
export class ProviderLookup {
  private discovered: Promise<PluginPackage[]> | undefined;

  constructor(private readonly directories: readonly string[]) {}

  /** The package that declares `name` for `kind`, if any. */
  async find(kind: ProvidedKind, name: string): Promise<PluginPackage | undefined> {
    const bundled = BUNDLED_PLUGINS.find((plugin) => plugin.provides[kind]?.includes(name));
    if (bundled) {
      const installed = installedPackage(bundled.name, this.directories);
      if (installed?.provides[kind]?.includes(name)) return installed;
      const own = builtinPlugins().find((plugin) => plugin.name === bundled.name);
      // Without a build (core run from src) there is no bundled file: discovery finds the package.
      if (own) return own;
    }
    return providerOf(await this.all(), kind, name);
  }

  /** Every installed plugin package (see {@link discoverPluginPackages}), listed on first use. */
  all(): Promise<PluginPackage[]> {
    return (this.discovered ??= discoverPluginPackages(this.directories));
  }
}
