import { PilotError } from '../errors.js';
import type { Problem } from '../manifest/problems.js';
import type { Manifest } from '../manifest/schema.js';
import { ProcessPilot, type PilotOptions } from '../pilot.js';

/** The plugins a pilot would get in code, so that their names count as known. */
export type PluginSources = Pick<PilotOptions, 'plugins' | 'pluginDirectory'>;

/**
 * Appends the plugin problems (unknown names, bad options, plugins that fail to load) of a
 * manifest that already failed validation, so that one error lists them with the rest.
 * `manifest` holds the entries that parsed and `indexOf[i]` is the manifest index of entry `i`.
 * The plugins are applied to a pilot without processes that is never started; a plugin that fails
 * to load is one problem, and names are then not checked (they would all look unknown).
 */
export async function checkPlugins(manifest: Manifest, indexOf: readonly number[], problems: Problem[], sources: PluginSources = {}): Promise<void> {
  try {
    const pilot = new ProcessPilot({ ...manifest, processes: [] }, { handleSignals: false, plugins: sources.plugins });
    if (sources.pluginDirectory) await pilot.loadPlugins(sources.pluginDirectory);
    await pilot.checkPlugins(manifest, problems, indexOf);
  } catch (error) {
    if (!(error instanceof PilotError)) throw error;
    problems.push({ code: error.code, message: error.message });
  }
}
