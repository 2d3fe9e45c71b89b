import { PilotError } from './errors.js';
import { withDependencies } from './graph.js';
import { createHooks, type PilotHooks, type StopReason } from './hooks.js';
import { throwProblems, type Problem } from './manifest/problems.js';
import type { Manifest, ProcessSpec } from './manifest/schema.js';
import type { PilotPlugin } from './plugins/define-plugin.js';
import { guardTaps } from './plugins/guard-taps.js';
import { PluginRegistries } from './plugins/plugin-set.js';
import type { PluginContext } from './plugins/contracts.js';
import { createPluginContext } from './plugins/create-context.js';
import type { LogLine, OutputStream } from './process/output.js';
import type { ProcessInfo, ProcessState } from './process/state.js';
import { SupervisedProcess } from './process/supervised-process.js';
import { createProcessHost } from './process-host.js';
import { PilotServices } from './pilot-services.js';
import { startInDependencyOrder, stopInReverseOrder } from './run-order.js';
import { StateWaiters } from './wait-for-state.js';
import { StartAttempt } from './start-attempt.js';
import { Deadline } from './deadline.js';
import { OperationQueues } from './operations.js';
import { ReadModel, type PilotEvent, type PilotEventType, type PilotSnapshot } from './read-model.js';
import { watchHostSignals } from './host-signals.js';
import type { Executor } from './executor/executor.js';
import { LocalExecutor } from './executor/local-executor.js';
import type { UsageSample } from './executor/executor.js';
import { procAvailable } from './process/tree-usage.js';

/** How long, after kill_timeout's SIGKILL, a shutdown waits to see the exits before it ends. */
const KILL_GRACE_MS = 1000;

/** Options of {@link ProcessPilot}. */
export interface PilotOptions {
  /** Plugins to register before the manifest's own. */
  plugins?: PilotPlugin[];
  /** A directory of plugin files to load (process_pilot's `plugin_directory` argument). */
  pluginDirectory?: string;
  /** Start only these processes and what they depend on. @default every process */
  only?: string[];
  /**
   * Stop the children gracefully when the host gets SIGINT, SIGTERM or SIGHUP, then let the
   * signal take its course. Turn off when the host handles signals itself (the CLI does).
   * @default true
   */
  handleSignals?: boolean;
  /** Where plugin failures go when nothing taps `hooks.pluginError`. @default console.error */
  reportError?: (error: PilotError) => void;
  /**
   * An executor that takes the place of the registered one of the same name (and is registered
   * when its name is new). Tests of orchestration pass `new FakeExecutor()` from
   * `@pilot/core/testing`, named `local`, so every process runs on it.
   * @default the local executor (this machine) is `local`
   */
  executor?: Executor;
}

/**
 * Supervises the processes of a manifest: dependency order, readiness, restart policy, stats,
 * whole-tree stops. Every lifecycle step is a tapable hook in {@link ProcessPilot.hooks}.
 *
 * @example
 * ```ts
 * await using pilot = new ProcessPilot(await ProcessManifest.fromFile('pilot.yaml'));
 * await pilot.start(); // every process is running and ready
 * ```
 */
export class ProcessPilot {
  /** Lifecycle hooks; see docs/hooks.md. */
  readonly hooks: PilotHooks = createHooks();
  private readonly processes = new Map<string, SupervisedProcess>();
  private readonly host;
  /** The `local` executor: this machine (or the one given as `options.executor` under that name). */
  readonly executor: Executor;
  /**
   * The per-process operation queues behind startProcess / stopProcess / restartProcesses:
   * `operations.busy(name)` tells whether one is queued or running.
   */
  readonly operations = new OperationQueues();
  private readonly readModel: ReadModel;
  private initializing: Promise<void> | undefined;
  private running = false;
  private stopping: Promise<void> | undefined;
  private abortStart: (() => void) | undefined;
  /** The start in progress, whose steps a stop waits for before closing the services. */
  private startWork: StartAttempt | undefined;
  private readonly services: PilotServices;
  private releaseSignals: (() => void) | undefined;
  private stoppedWaiters: ((reason: StopReason) => void)[] = [];
  private readonly stateWaiters = new StateWaiters();
  /** Plugin options validated at initialize, by manifest path. */
  private readonly resolvedOptions = new Map<string, unknown>();
  /** Why the pilot last stopped, and the exit code of a `shutdown_everything` process. */
  lastStop: { reason: StopReason; process?: string; code?: number | null; signal?: NodeJS.Signals | null } | undefined;

  /** The plugin host: registries, and the loading of plugins into them (held, not inherited). */
  private readonly plugins = new PluginRegistries();
  /** The context each plugin gets, by plugin name (made once per plugin). */
  private readonly contexts = new Map<string, PluginContext>();

  constructor(
    readonly manifest: Manifest,
    private readonly options: PilotOptions = {},
  ) {
    guardTaps(this.hooks as never, (error) => this.report(error), new Set(['pluginError']));
    this.hooks.stateChange.tap('ProcessPilot', (info) => this.stateWaiters.notify(info));
    this.host = createProcessHost(this.contextFor, this.hooks, this.lifecycleHooks, (process) => this.onShutdownEverything(process));
    this.readModel = new ReadModel({
      hooks: this.hooks,
      processes: () => this.getRunningProcess(),
      running: () => this.running,
      stopping: () => this.stopping !== undefined,
    });
    // An executor given in code takes the place of the registered one of its name (FakeExecutor is `local`).
    this.executor = options.executor?.name === 'local' ? options.executor : new LocalExecutor();
    const builtIn = [this.executor, ...(options.executor && options.executor !== this.executor ? [options.executor] : [])];
    this.plugins.apply({ name: '@pilot/core', apply: (context) => builtIn.forEach((executor) => context.executors.register(executor)) }, this.contextFor);
    for (const spec of manifest.processes) this.processes.set(spec.name, new SupervisedProcess(spec, this.host, this.executor));
    this.services = new PilotServices({
      registries: this.plugins,
      contextOf: (registry, name) => this.contextFor(registry.ownerOf(name) ?? name),
      manifest,
      hooks: this.hooks,
      options: this.resolvedOptions,
      // Usage as the executor measures it: a cgroup's exact numbers, a /proc walk, a remote host.
      targets: () => [...this.processes.values()].flatMap((p) => (p.pid === undefined ? [] : [{ name: p.name, ref: p.ref, pid: p.pid, usage: this.ownUsage(p) }])),
      report: (error) => this.report(error),
    });
    if (options.only) for (const name of options.only) this.supervised(name);
    for (const plugin of options.plugins ?? []) this.plugins.apply(plugin, this.contextFor);
  }

  /** Readiness strategies by name (`ready_strategy`). */
  get readiness() {
    return this.plugins.readiness;
  }

  /** Stats handlers by name (`stat_handlers`). */
  get statsHandlers() {
    return this.plugins.statsHandlers;
  }

  /** Lifecycle hook groups by name (`lifecycle_hooks`). */
  get lifecycleHooks() {
    return this.plugins.lifecycleHooks;
  }

  /** Control servers by name (`control_server`). */
  get controlServers() {
    return this.plugins.controlServers;
  }

  /** Executors by name (`executor`). */
  get executors() {
    return this.plugins.executors;
  }

  /** Register plugins from code (process_pilot's `register_plugins`). */
  registerPlugins(plugins: readonly PilotPlugin[]): void {
    for (const plugin of plugins) this.plugins.apply(plugin, this.contextFor);
  }

  /** Load every plugin file of a directory (process_pilot's `load_plugins`). */
  loadPlugins(directory: string): Promise<void> {
    return this.plugins.loadDirectory(directory, this.contextFor);
  }

  /**
   * Load the plugins `manifest` names (its `plugins`, `plugin_directory`, installed providers of
   * names it uses), then append a problem per unknown name or invalid option. For validation
   * without a start (`pilot validate`); returns the validated options by manifest path.
   */
  async checkPlugins(manifest: Manifest, problems: Problem[], indexOf?: readonly number[]): Promise<Map<string, unknown>> {
    await this.plugins.loadForManifest(manifest, this.contextFor);
    return this.plugins.validate(manifest, problems, indexOf);
  }

  /** The narrow API a plugin gets (see {@link PluginContext}), one per plugin name. */
  private readonly contextFor = (pluginName: string): PluginContext => {
    let context = this.contexts.get(pluginName);
    if (!context) {
      context = createPluginContext(pluginName, this, this.plugins, (error) => this.report(error));
      this.contexts.set(pluginName, context);
    }
    return context;
  };

  /** Load the manifest's plugins and check every name and option it uses. Runs once; `start()` calls it. */
  initialize(): Promise<void> {
    this.initializing ??= this.initializeOnce();
    return this.initializing;
  }

  private async initializeOnce(): Promise<void> {
    if (this.options.pluginDirectory) await this.loadPlugins(this.options.pluginDirectory);
    const problems: Problem[] = [];
    const options = await this.checkPlugins(this.manifest, problems);
    throwProblems(problems, this.manifest.source);
    this.manifest.processes.forEach((spec, index) => {
      this.processes.get(spec.name)!.bindExecutor(this.executors.get(spec.executor.name)!, options.get(`processes[${index}].executor`) ?? {});
      if (!spec.ready_strategy) return;
      this.processes.get(spec.name)!.readiness = {
        strategy: this.readiness.get(spec.ready_strategy)!,
        options: options.get(`processes[${index}].ready_strategy`),
        baseDirectory: this.manifest.base_directory,
      };
    });
    for (const [where, value] of options) this.resolvedOptions.set(where, value);
    await this.hooks.initialize.promise();
  }

  /**
   * Start every process (or `only` and their dependencies) in dependency order, each as soon as
   * its dependencies are ready. Resolves when all are running and ready; on any failure stops
   * what was started and rejects with an error naming the process and the reason.
   */
  async start(): Promise<void> {
    if (this.running) throw new PilotError('PILOT_ALREADY_RUNNING', 'the pilot is already started; call stop() first');
    // Marked at once, before the first await: a stop() from now on cancels this start.
    this.running = true;
    this.lastStop = undefined;
    const attempt = new StartAttempt();
    this.startWork = attempt;
    this.abortStart = () => attempt.abort();
    try {
      await attempt.waitFor(this.stopping);
      await attempt.step(this.initialize());
      if (this.options.handleSignals !== false) this.releaseSignals = watchHostSignals(() => this.stopAll('signal'));
      await attempt.step(this.hooks.beforeStart.promise());
      await attempt.step(this.services.start());
      await attempt.step(startInDependencyOrder(this.selected(), () => attempt.aborted));
    } catch (error) {
      this.abortStart = undefined;
      // A stop() that cancelled this start is already under way: join it, never stop twice.
      if (attempt.aborted) await this.stopping;
      else {
        // No process whose dependencies come up later may start now: the start has failed.
        attempt.abort();
        await this.stopAll('start_failed');
      }
      throw error;
    } finally {
      this.startWork = undefined;
    }
    this.abortStart = undefined;
    this.hooks.allReady.call(this.selected().map((process) => process.info()));
  }

  /** Stop everything, dependents first (idempotent, safe at any moment, also mid-start). */
  stop(): Promise<void> {
    return this.stopAll('requested');
  }

  private stopAll(reason: StopReason): Promise<void> {
    this.abortStart?.();
    this.stopping ??= this.stopEverything(reason).finally(() => (this.stopping = undefined));
    return this.stopping;
  }

  private async stopEverything(reason: StopReason): Promise<void> {
    this.lastStop ??= { reason };
    // kill_timeout bounds the whole shutdown, whatever is in flight (plugin hooks, a start step,
    // a control action): past it every remaining tree is killed at once and nothing is awaited
    // any longer but the kills themselves.
    const deadline = new Deadline(this.manifest.kill_timeout * 1000, () => {
      for (const process of this.processes.values()) process.killNow();
    });
    this.operations.refuse();
    try {
      await deadline.bound(this.hooks.beforeStop.promise(reason));
      await deadline.bound(stopInReverseOrder(this.processes));
      // Operations in flight (a restart waiting for readiness) end once their process stopped.
      await deadline.bound(this.operations.drain());
      await deadline.bound(this.startWork?.settled());
      await deadline.bound(this.services.close());
      await deadline.bound(this.host.settle());
    } finally {
      deadline.clear();
    }
    // Past the deadline the trees got SIGKILL: give the kernel a moment to show their exits.
    if (deadline.passed) {
      const grace = new Deadline(KILL_GRACE_MS, () => undefined);
      await grace.bound(stopInReverseOrder(this.processes));
      grace.clear();
    }
    this.operations.accept();
    this.releaseSignals?.();
    this.releaseSignals = undefined;
    this.running = false;
    this.hooks.shutdown.call(reason);
    for (const waiter of this.stoppedWaiters.splice(0)) waiter(reason);
  }

  private onShutdownEverything(process: SupervisedProcess): void {
    const info = process.info();
    this.lastStop ??= { reason: 'shutdown_everything', process: process.name, code: info.returnCode, signal: info.signal };
    void this.stopAll('shutdown_everything');
  }

  /** Resolves with the reason once the pilot has stopped (by request, signal or policy). */
  whenStopped(): Promise<StopReason> {
    return new Promise((resolve) => this.stoppedWaiters.push(resolve));
  }

  /**
   * Start one process; rejects if it is already active, a dependency is not running, or the
   * pilot is stopping. Operations on one process run one after another (see {@link operations}).
   */
  async startProcess(name: string): Promise<void> {
    const process = this.supervised(name);
    return this.operations.run(name, `start process "${name}"`, async () => {
      await this.initialize();
      // Checked after the last await, so the dependencies are running when the start begins.
      this.assertNotStopping(`start process "${name}"`);
      this.assertDependenciesRunning(process);
      await process.start();
    });
  }

  private assertDependenciesRunning(process: SupervisedProcess): void {
    const notReady = process.spec.dependencies.filter((d) => this.processes.get(d)!.info().status !== 'running');
    if (notReady.length === 0) return;
    const [are, them] = notReady.length > 1 ? ['are', 'them'] : ['is', 'it'];
    throw new PilotError('PILOT_DEPENDENCY_FAILED', `process "${process.name}" depends on ${notReady.join(', ')}, which ${are} not running; start ${them} first`, { process: process.name });
  }

  /** Stop one process and its whole tree (its dependents keep running). */
  async stopProcess(name: string): Promise<void> {
    const process = this.supervised(name);
    return this.operations.run(name, `stop process "${name}"`, () => process.stop());
  }

  /** Stop and start each named process, one after another: exactly one new instance each, with a new pid. */
  async restartProcesses(names: string | readonly string[]): Promise<void> {
    const list = typeof names === 'string' ? [names] : [...names];
    const processes = list.map((name) => this.supervised(name));
    for (const process of processes) {
      await this.operations.run(process.name, `restart process "${process.name}"`, async () => {
        await process.stop();
        this.assertNotStopping(`restart process "${process.name}"`);
        this.assertDependenciesRunning(process);
        process.countRestart();
        await process.start();
      });
    }
  }

  /** All processes, or the one with that name or pid. */
  getRunningProcess(): ProcessInfo[];
  getRunningProcess(nameOrPid: string | number): ProcessInfo | undefined;
  getRunningProcess(nameOrPid?: string | number): ProcessInfo[] | ProcessInfo | undefined {
    const all = [...this.processes.values()].map((process) => process.info());
    if (nameOrPid === undefined) return all;
    return all.find((info) => (typeof nameOrPid === 'number' ? info.pid === nameOrPid : info.name === nameOrPid));
  }

  /**
   * Where a process's stats come from: its executor's own sample (a cgroup, a /proc walk, a
   * remote host), except for local runs where /proc is missing (macOS): the sampler's batched
   * pidusage fallback measures those.
   */
  private ownUsage(process: SupervisedProcess): (() => UsageSample | undefined) | undefined {
    if (!procAvailable && process.runsOn instanceof LocalExecutor) return undefined;
    return () => process.sample();
  }

  /** Every process now, with uptime and latest stats: the read model's snapshot. */
  snapshot(): PilotSnapshot {
    return this.readModel.snapshot();
  }

  /**
   * Be told of state changes, log lines, stats samples and the pilot's stop, synchronously;
   * returns the unsubscribe function. Slow consumers use {@link events} instead.
   */
  subscribe(listener: (event: PilotEvent) => void, types?: readonly PilotEventType[]): () => void {
    return this.readModel.subscribe(listener, types);
  }

  /** The same events as an async iterator with a bounded queue (a slow consumer is told what it missed). */
  events(options?: { types?: readonly PilotEventType[]; highWaterMark?: number }): AsyncIterableIterator<PilotEvent> {
    return this.readModel.events(options);
  }

  /** The manifest's process entries. */
  getManifestProcesses(): ProcessSpec[] {
    return this.manifest.processes;
  }

  /** One manifest entry by name. */
  getProcessByName(name: string): ProcessSpec | undefined {
    return this.manifest.processes.find((spec) => spec.name === name);
  }

  /** True between `start()` and the end of `stop()`. */
  isRunning(): boolean {
    return this.running;
  }

  /** The last `count` lines of a process's output (across restarts), optionally of one stream. */
  logs(name: string, count?: number, stream?: OutputStream): LogLine[] {
    return this.supervised(name).logs.tail(count, stream);
  }

  /** SIGKILL a process's main pid with no cleanup, to test how the system copes with a crash. */
  crashProcess(name: string): void {
    this.supervised(name).crash();
  }

  /** Resolves when `name` reaches `state`; rejects after `timeoutMs` (default 30 s). */
  async waitFor(name: string, state: ProcessState, timeoutMs = 30_000): Promise<ProcessInfo> {
    const process = this.supervised(name);
    return this.stateWaiters.wait(name, state, () => process.info(), timeoutMs);
  }

  /** `await using pilot = ...` stops everything when the scope ends, even on failure. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private selected(): SupervisedProcess[] {
    const names = this.options.only ? withDependencies(this.manifest.processes, this.options.only) : [...this.processes.keys()];
    return names.map((name) => this.processes.get(name)!);
  }

  private supervised(name: string): SupervisedProcess {
    const process = this.processes.get(name);
    if (!process) {
      throw new PilotError('PILOT_UNKNOWN_PROCESS', `no process is named "${name}"; known: ${[...this.processes.keys()].join(', ')}`);
    }
    return process;
  }

  private assertNotStopping(action: string): void {
    if (this.stopping) throw new PilotError('PILOT_STOPPED', `cannot ${action}: the pilot is stopping`);
  }

  /**
   * Report a plugin failure that happened outside a hook (a stats handler, a server callback):
   * through `hooks.pluginError` when tapped, else the `reportError` option (console.error).
   */
  reportError(error: PilotError): void {
    this.report(error);
  }

  private report(error: PilotError): void {
    if (this.hooks.pluginError.taps.length > 0) this.hooks.pluginError.call(error);
    else (this.options.reportError ?? console.error)(error);
  }
}
