import { z } from 'zod';
import { PilotError } from '../errors.js';
import { formatIssues } from '../manifest/format-issues.js';
import type { Problem } from '../manifest/problems.js';
import type { Manifest, NamedReference } from '../manifest/schema.js';
import { didYouMean } from '../manifest/suggest.js';
import type { ReadinessStrategy } from '../readiness.js';
import type { ControlServer, LifecycleHookGroup, StatsHandler } from './contracts.js';
import type { Executor } from '../executor/executor.js';
import type { PluginContext } from './contracts.js';
import type { PilotPlugin } from './define-plugin.js';
import type { PluginPackage, ProvidedKind } from './discovery.js';
import { ProviderLookup } from './find-provider.js';
import { importPlugins, listPluginFiles, resolvePluginSpecifier } from './load-plugin.js';
import { Registry } from './registry.js';
import { firstPartyProvider } from './first-party.js';

/** What a plugin is applied with: its own context, made for its name. */
export type ContextFor = (pluginName: string) => PluginContext;

/** The registries a manifest's names are looked up in, and the loading of plugins into them. */
export class PluginRegistries {
  /** Readiness strategies by name (`ready_strategy`). */
  readonly readiness = new Registry<ReadinessStrategy>('readiness strategy', () => this.owner);
  /** Stats handlers by name (`stat_handlers`). */
  readonly statsHandlers = new Registry<StatsHandler>('stats handler', () => this.owner);
  /** Lifecycle hook groups by name (`lifecycle_hooks`). */
  readonly lifecycleHooks = new Registry<LifecycleHookGroup>('lifecycle hook group', () => this.owner);
  /** Control servers by name (`control_server`). */
  readonly controlServers = new Registry<ControlServer>('control server', () => this.owner);
  /** Executors by name (`executor`): where processes run. */
  readonly executors = new Registry<Executor>('executor', () => this.owner);
  private readonly applied = new Set<string>();
  /** Installed packages loaded because they declare a name the manifest uses. */
  private readonly loadedProviders = new Set<string>();
  private current: string | undefined;

  /** The plugin whose `apply` is running, to record as owner of what it registers. */
  get owner(): string {
    return this.current ?? 'user code';
  }

  /** Apply `plugin` once; a second plugin with the same name is a duplicate. */
  apply(plugin: PilotPlugin, contextFor: ContextFor, source = 'code'): void {
    if (this.applied.has(plugin.name)) {
      throw new PilotError('PILOT_DUPLICATE_NAME', `plugin "${plugin.name}" (from ${source}) is already registered; load it only once`, { plugin: plugin.name });
    }
    this.applied.add(plugin.name);
    this.current = plugin.name;
    try {
      plugin.apply(contextFor(plugin.name));
    } catch (error) {
      if (error instanceof PilotError) throw error;
      throw new PilotError('PILOT_PLUGIN_INVALID', `[plugin ${plugin.name}] apply() threw: ${(error as Error).message}`, { cause: error, plugin: plugin.name });
    } finally {
      this.current = undefined;
    }
  }

  /** True when a plugin of that name was applied. */
  has(name: string): boolean {
    return this.applied.has(name);
  }

  /** Import and apply the plugins of a module file. */
  async loadFile(file: string, label: string, contextFor: ContextFor): Promise<void> {
    for (const plugin of await importPlugins(file, label)) if (!this.has(plugin.name)) this.apply(plugin, contextFor, label);
  }

  /** Import and apply every plugin file of a directory, in name order. */
  async loadDirectory(directory: string, contextFor: ContextFor): Promise<void> {
    for (const file of await listPluginFiles(directory)) await this.loadFile(file, file, contextFor);
  }

  /** Load the manifest's `plugins` and `plugin_directory`, then any installed package that provides a missing name. */
  async loadForManifest(manifest: Manifest, contextFor: ContextFor): Promise<void> {
    for (const specifier of manifest.plugins) {
      await this.loadFile(resolvePluginSpecifier(specifier, manifest.base_directory), specifier, contextFor);
    }
    if (manifest.plugin_directory) await this.loadDirectory(manifest.plugin_directory, contextFor);
    const missing = this.references(manifest).filter(({ kind, ref }) => !this.registry(kind).get(ref.name));
    if (missing.length === 0) return;
    const lookup = new ProviderLookup([manifest.base_directory]);
    for (const { kind, ref } of missing) {
      const provider = await lookup.find(kind, ref.name);
      if (provider && !this.registry(kind).get(ref.name) && !this.loadedProviders.has(provider.name)) {
        this.loadedProviders.add(provider.name);
        await this.loadFile(resolvePluginSpecifier(provider.name, provider.directory + '/..'), provider.name, contextFor);
      }
    }
  }

  /**
   * Check every name the manifest references and its options; problems are appended.
   * `indexOf[i]` is the manifest index of `manifest.processes[i]` when only some entries parsed.
   */
  async validate(manifest: Manifest, problems: Problem[], indexOf?: readonly number[]): Promise<Map<string, unknown>> {
    const options = new Map<string, unknown>();
    const lookup = new ProviderLookup([manifest.base_directory]);
    for (const { kind, ref, where } of this.references(manifest, indexOf)) {
      const registry = this.registry(kind);
      const entry = registry.get(ref.name) as { options?: z.ZodType } | undefined;
      if (!entry) {
        const provider = await lookup.find(kind, ref.name);
        problems.push({ code: 'PILOT_UNKNOWN_NAME', message: this.unknownNameMessage(kind, ref.name, where, await lookup.all(), provider) });
        continue;
      }
      const schema = entry.options ?? z.record(z.string(), z.unknown());
      const result = schema.safeParse(ref.options, { reportInput: true });
      if (result.success) options.set(where, result.data);
      else {
        const prefix = kind === 'readiness' ? where.replace(/\.ready_strategy$/, '.ready_params') : `${where}.options`;
        const keys = (path: readonly PropertyKey[]) => (path.length === 0 && schema instanceof z.ZodObject ? Object.keys(schema.shape) : []);
        for (const message of formatIssues(result.error.issues, keys, prefix)) problems.push({ code: 'PILOT_MANIFEST_INVALID', message: `${message} (${registry.kind} "${ref.name}")` });
      }
    }
    return options;
  }

  private unknownNameMessage(kind: ProvidedKind, name: string, where: string, packages: PluginPackage[], provider: PluginPackage | undefined): string {
    const registry = this.registry(kind);
    if (provider && this.loadedProviders.has(provider.name)) {
      return `${where}: package ${provider.name} declares the ${registry.kind} "${name}" in its package.json but registered none of that name when loaded; report it to its authors`;
    }
    const installed = packages.flatMap((pkg) => (pkg.provides[kind] ?? []).map((provided) => `${provided} (${pkg.name})`));
    const available = [...new Set([...registry.names(), ...installed])].sort();
    const candidates = [...registry.names(), ...packages.flatMap((pkg) => pkg.provides[kind] ?? [])].filter((candidate) => candidate !== name);
    const field = where.slice(where.lastIndexOf('.') + 1).replace(/\[\d+\]$/, '');
    const ours = provider ? undefined : firstPartyProvider(kind, name);
    // Installed packages are found by discovery: naming them in plugins: is never needed.
    if (ours) return `${where}: ${field} "${name}" is provided by ${ours}: npm install ${ours}`;
    return (
      `${where}: no loaded plugin provides the ${registry.kind} "${name}"${didYouMean(name, candidates)}; available: ${available.join(', ') || 'none'}` +
      (provider ? `; package ${provider.name} declares it but could not provide it` : '; install a package that provides it (found from node_modules), or name a plugin file in plugins:')
    );
  }

  registry(kind: ProvidedKind): Registry<{ name: string }> {
    return this[kind];
  }


  /** Every plugin-provided name the manifest uses, with where it is used (`indexOf` as in {@link validate}). */
  references(manifest: Manifest, indexOf?: readonly number[]): { kind: ProvidedKind; ref: NamedReference; where: string }[] {
    const refs: { kind: ProvidedKind; ref: NamedReference; where: string }[] = [];
    manifest.processes.forEach((spec, index) => {
      const at = `processes[${indexOf?.[index] ?? index}]`;
      if (spec.ready_strategy) refs.push({ kind: 'readiness', ref: { name: spec.ready_strategy, options: spec.ready_params }, where: `${at}.ready_strategy` });
      spec.lifecycle_hooks.forEach((ref, i) => refs.push({ kind: 'lifecycleHooks', ref, where: `${at}.lifecycle_hooks[${i}]` }));
      spec.stat_handlers.forEach((ref, i) => refs.push({ kind: 'statsHandlers', ref, where: `${at}.stat_handlers[${i}]` }));
      refs.push({ kind: 'executors', ref: spec.executor, where: `${at}.executor` });
    });
    for (const { where, ...ref } of manifest.control_server) refs.push({ kind: 'controlServers', ref, where });
    return refs;
  }
}
