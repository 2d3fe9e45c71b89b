import { PilotError, isPilotError, messageOf } from './errors.js';
import type { PilotHooks } from './hooks.js';
import type { Manifest } from './manifest/schema.js';
import type { PluginContext } from './plugins/contracts.js';
import type { PluginRegistriesView } from './plugins/contracts.js';
import type { ControlServerHandle, StatsSink } from './plugins/contracts.js';
import { StatsSampler, type ProcessStats, type SampleTarget } from './stats.js';

/** What the services need from the pilot. */
export interface ServicesContext {
  /** The registries to find the control servers and stats handlers in. */
  registries: PluginRegistriesView;
  /** The context of the plugin that registered an entry of `registry` under `name`. */
  contextOf: (registry: PluginRegistriesView[keyof PluginRegistriesView], name: string) => PluginContext;
  manifest: Manifest;
  hooks: PilotHooks;
  /** Plugin options validated at initialize, by manifest path (`control_server[1]`, `processes[0].stat_handlers[1]`). */
  options: ReadonlyMap<string, unknown>;
  /** The processes alive now, for sampling. */
  targets: () => SampleTarget[];
  report: (error: PilotError) => void;
}

/**
 * The pilot's services around its processes: the control servers, the stats sampler and the
 * stats handlers' sinks (one per distinct options object, fed only their processes' samples).
 * Started before the first spawn, closed after the last process stopped.
 */
export class PilotServices {
  private sampler: StatsSampler | undefined;
  private sinks: { sink: StatsSink; names: Set<string> }[] = [];
  /** The control servers started, in manifest order. */
  private controls: { name: string; handle: ControlServerHandle }[] = [];

  constructor(private readonly context: ServicesContext) {}

  async start(): Promise<void> {
    const { registries, contextOf, manifest, options } = this.context;
    const baseDirectory = manifest.base_directory;
    await this.startControlServers();
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

  /** Stop sampling, close the control servers and every sink (failures are reported, not thrown). */
  async close(): Promise<void> {
    this.sampler?.stop();
    const sinks = this.sinks;
    this.sinks = [];
    const closeSink = (sink: StatsSink) => Promise.resolve().then(() => sink.close?.()).catch((error: unknown) => this.closeFailed('a stats handler', error));
    await Promise.all([this.closeControlServers(), ...sinks.map(({ sink }) => closeSink(sink))]);
  }

  /**
   * Start the manifest's control servers in order. When one fails, those already started are
   * closed and the start fails with an error naming the one that did not start (its code kept).
   */
  private async startControlServers(): Promise<void> {
    const { registries, contextOf, manifest, options } = this.context;
    for (const { name, where } of manifest.control_server) {
      const server = registries.controlServers.get(name)!;
      try {
        const handle = await server.start({ options: options.get(where), pilot: contextOf(registries.controlServers, name), baseDirectory: manifest.base_directory, manifestPath: manifest.source });
        this.controls.push({ name, handle });
      } catch (error) {
        await this.closeControlServers();
        const code = isPilotError(error) ? error.code : 'PILOT_PLUGIN_HOOK';
        throw new PilotError(code, `control server "${name}" (${where}) did not start: ${messageOf(error)}`, { cause: error });
      }
    }
  }

  /** Close every control server started, all at once (a failure is reported, the others still close). */
  private async closeControlServers(): Promise<void> {
    const controls = this.controls;
    this.controls = [];
    await Promise.all(controls.map(({ name, handle }) => Promise.resolve().then(() => handle.close()).catch((error: unknown) => this.closeFailed(`control server "${name}"`, error))));
  }

  private closeFailed(what: string, error: unknown): void {
    this.context.report(new PilotError('PILOT_PLUGIN_HOOK', `closing ${what} failed: ${messageOf(error)}`, { cause: error }));
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
