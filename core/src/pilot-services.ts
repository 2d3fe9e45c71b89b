import { PilotError } from './errors.js';
import type { PilotHooks } from './hooks.js';
import type { Manifest } from './manifest/schema.js';
import type { PluginContext } from './plugins/contracts.js';
import type { PluginRegistriesView } from './plugins/contracts.js';
import type { ControlServerHandle, StatsSink } from './plugins/contracts.js';
import { StatsSampler, type ProcessStats, type SampleTarget } from './stats.js';

/** What the services need from the pilot. */
export interface ServicesContext {
  /** The registries to find the control server and stats handlers in. */
  registries: PluginRegistriesView;
  /** The context of the plugin that registered an entry of `registry` under `name`. */
  contextOf: (registry: PluginRegistriesView[keyof PluginRegistriesView], name: string) => PluginContext;
  manifest: Manifest;
  hooks: PilotHooks;
  /** Plugin options validated at initialize, by manifest path (`control_server`, `processes[0].stat_handlers[1]`). */
  options: ReadonlyMap<string, unknown>;
  /** The processes alive now, for sampling. */
  targets: () => SampleTarget[];
  report: (error: PilotError) => void;
}

/**
 * The pilot's services around its processes: the control server, the stats sampler and the
 * stats handlers' sinks (one per distinct options object, fed only their processes' samples).
 * Started before the first spawn, closed after the last process stopped.
 */
export class PilotServices {
  private sampler: StatsSampler | undefined;
  private sinks: { sink: StatsSink; names: Set<string> }[] = [];
  private control: ControlServerHandle | undefined;

  constructor(private readonly context: ServicesContext) {}

  async start(): Promise<void> {
    const { registries, contextOf, manifest, options } = this.context;
    const baseDirectory = manifest.base_directory;
    if (manifest.control_server) {
      const name = manifest.control_server.name;
      const server = registries.controlServers.get(name)!;
      this.control = await server.start({ options: options.get('control_server'), pilot: contextOf(registries.controlServers, name), baseDirectory, manifestPath: manifest.source });
    }
    const sinks = new Map<string, { sink: StatsSink; names: Set<string> }>();
    for (const [index, spec] of manifest.processes.entries()) {
      for (const [i, ref] of spec.stat_handlers.entries()) {
        const handlerOptions = options.get(`processes[${index}].stat_handlers[${i}]`);
        const key = `${ref.name}:${JSON.stringify(handlerOptions)}`;
        if (!sinks.has(key)) {
          const sink = await registries.statsHandlers.get(ref.name)!.create({ options: handlerOptions, pilot: contextOf(registries.statsHandlers, ref.name), baseDirectory });
          sinks.set(key, { sink, names: new Set() });
        }
        sinks.get(key)!.names.add(spec.name);
      }
    }
    this.sinks = [...sinks.values()];
    this.sampler = new StatsSampler(manifest.stats_interval * 1000, this.context.targets, (samples) => this.deliver(samples));
    this.sampler.start();
  }

  /** Stop sampling, close the control server and every sink (failures are reported, not thrown). */
  async close(): Promise<void> {
    this.sampler?.stop();
    const results = await Promise.allSettled([this.control?.close(), ...this.sinks.map(({ sink }) => sink.close?.())]);
    for (const result of results) {
      if (result.status === 'rejected') this.context.report(new PilotError('PILOT_PLUGIN_HOOK', `closing a control server or stats handler failed: ${(result.reason as Error)?.message ?? result.reason}`, { cause: result.reason }));
    }
    this.control = undefined;
    this.sinks = [];
  }

  private async deliver(samples: ProcessStats[]): Promise<void> {
    await this.context.hooks.statsSample.promise(samples);
    await Promise.all(
      this.sinks.map(async ({ sink, names }) => {
        const mine = samples.filter((sample) => names.has(sample.name));
        if (mine.length === 0) return;
        try {
          await sink.handle(mine);
        } catch (error) {
          this.context.report(new PilotError('PILOT_PLUGIN_HOOK', `stats handler failed: ${(error as Error).message}`, { cause: error }));
        }
      }),
    );
  }
}
