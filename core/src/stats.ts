import { sampleTreesWithPidusage } from './process/pidusage-usage.js';
import { procAvailable, sampleTree, type UsageSample } from './process/tree-usage.js';

export type { UsageSample } from './process/tree-usage.js';
import type { ProcessRef } from './process/state.js';

/** One sample of one process and its whole tree. */
export interface ProcessStats {
  name: string;
  /** Name and replica index of the process. */
  ref: ProcessRef;
  pid: number;
  /** CPU use of the tree since the previous sample, in percent of one core. */
  cpu: number;
  /** Resident memory of the tree, in bytes. */
  memory: number;
  /** Highest `cpu` seen for this process while supervised. */
  maxCpu: number;
  /** Highest `memory` seen for this process while supervised. */
  maxMemory: number;
  /** How many processes the tree had (the leader included). */
  processes: number;
  /** `Date.now()` of the sample. */
  timestamp: number;
}

/** A process to sample: its name and the pid of its tree's leader. */
export interface SampleTarget {
  name: string;
  /** Name and replica; `{ name, replica: 0 }` when not given. */
  ref?: ProcessRef;
  pid: number;
  /**
   * Where the usage comes from when not from the local /proc walk (an executor with a cgroup or
   * on another host supplies it); undefined once the process is gone.
   */
  usage?: () => UsageSample | undefined;
}

/** What the sampler remembers of a target between rounds (only of targets seen in the last round). */
export interface PreviousSample {
  /** `performance.now()` of the sample. */
  at: number;
  usage: UsageSample;
}

/**
 * CPU percent of one core between two samples. With per-process times only processes of the
 * current sample count (a child that died meanwhile takes its times with it instead of making
 * the sum go down); a process new since `previous` counts from zero, as it started meanwhile.
 * Without a previous sample the CPU is averaged over the leader's life when that is known.
 */
export function cpuPercent(previous: PreviousSample | undefined, usage: UsageSample, at: number): number {
  if (!previous) return usage.ageSeconds ? Math.max(0, (100 * usage.cpuSeconds) / Math.max(usage.ageSeconds, 0.01)) : 0;
  const elapsed = (at - previous.at) / 1000;
  if (elapsed <= 0) return 0;
  let delta: number;
  const before = previous.usage.perProcess;
  if (usage.perProcess && before) {
    delta = 0;
    for (const [key, seconds] of usage.perProcess) delta += Math.max(0, seconds - (before.get(key) ?? 0));
  } else {
    delta = Math.max(0, usage.cpuSeconds - previous.usage.cpuSeconds);
  }
  return (100 * delta) / elapsed;
}

/**
 * Samples CPU and memory of whole process trees: from /proc on Linux (files opened and closed
 * per read, no descriptor held between rounds), from the target's own `usage()` when it has
 * one, from one batched pidusage call where /proc does not exist. Rounds are chained with
 * setTimeout, never overlapping. State is kept only for targets seen in the last round, so it
 * is bounded by the live processes however many have come and gone.
 */
export class StatsSampler {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly maxima = new Map<string, { cpu: number; memory: number }>();
  private previous = new Map<string, PreviousSample>();

  /**
   * @param onError receives the error of a target's own `usage()` (that target is skipped for the round).
   */
  constructor(
    private readonly intervalMs: number,
    private readonly targets: () => SampleTarget[],
    private readonly deliver: (samples: ProcessStats[]) => Promise<void>,
    private readonly onError: (error: unknown) => void = (error) => process.emitWarning(`stats: ${(error as Error)?.message ?? error}`),
  ) {}

  /** How many targets the sampler keeps state for: those seen in the last round, never more. */
  get tracked(): number {
    return this.previous.size;
  }

  /** Begin sampling every interval. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  /** Stop sampling; a round in flight is delivered nowhere. */
  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  /** Take one sample now. Pids that exited meanwhile are skipped, never an error. */
  async sample(): Promise<ProcessStats[]> {
    const targets = this.targets();
    const usages = await this.usageOf(targets);
    const at = performance.now();
    const timestamp = Date.now();
    const seen = new Map<string, PreviousSample>();
    const samples: ProcessStats[] = [];
    targets.forEach((target, index) => {
      const usage = usages[index];
      if (!usage) return;
      const key = `${target.name}\0${target.pid}`;
      const cpu = cpuPercent(this.previous.get(key), usage, at);
      seen.set(key, { at, usage });
      const max = this.maxima.get(target.name) ?? { cpu: 0, memory: 0 };
      max.cpu = Math.max(max.cpu, cpu);
      max.memory = Math.max(max.memory, usage.memory);
      this.maxima.set(target.name, max);
      samples.push({ name: target.name, ref: target.ref ?? { name: target.name, replica: 0 }, pid: target.pid, cpu, memory: usage.memory, maxCpu: max.cpu, maxMemory: max.memory, processes: usage.processes, timestamp });
    });
    // Per-target state of processes that are gone is dropped here, every round.
    this.previous = seen;
    return samples;
  }

  private async usageOf(targets: readonly SampleTarget[]): Promise<(UsageSample | undefined)[]> {
    const local = targets.filter((target) => !target.usage).map((target) => target.pid);
    const fallback = procAvailable || local.length === 0 ? undefined : await sampleTreesWithPidusage(local);
    return targets.map((target) => {
      if (!target.usage) return fallback ? fallback.get(target.pid) : sampleTree(target.pid);
      try {
        return target.usage();
      } catch (error) {
        this.onError(error);
        return undefined;
      }
    });
  }

  private schedule(): void {
    this.timer = setTimeout(async () => {
      try {
        const samples = await this.sample();
        if (this.running && samples.length > 0) await this.deliver(samples);
      } catch (error) {
        this.onError(error);
      } finally {
        if (this.running) this.schedule();
      }
    }, this.intervalMs);
    this.timer.unref();
  }
}
