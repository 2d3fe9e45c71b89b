import type pidusage from 'pidusage';
import { descendantsOf } from './process/proc-table.js';

/** One sample of one process and its whole tree. */
export interface ProcessStats {
  name: string;
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
  pid: number;
}

/**
 * Samples CPU and memory of whole process trees with one batched pidusage call per round (the
 * only pidusage import). Rounds are chained with setTimeout, never overlapping.
 */
export class StatsSampler {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly maxima = new Map<string, { cpu: number; memory: number }>();

  constructor(
    private readonly intervalMs: number,
    private readonly targets: () => SampleTarget[],
    private readonly deliver: (samples: ProcessStats[]) => Promise<void>,
  ) {}

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
    if (targets.length === 0) return [];
    const trees = targets.map((target) => ({ target, pids: [target.pid, ...descendantsOf(target.pid).map((entry) => entry.pid)] }));
    const allPids = [...new Set(trees.flatMap((tree) => tree.pids))];
    let usage: Record<string, pidusage.Status | null>;
    try {
      // Loaded on the first sample, not at start-up.
      const { default: sample } = await import('pidusage');
      usage = (await sample(allPids)) as Record<string, pidusage.Status | null>;
    } catch {
      return []; // every pid vanished between the table read and the sample
    }
    const timestamp = Date.now();
    const samples: ProcessStats[] = [];
    for (const { target, pids } of trees) {
      const live = pids.map((pid) => usage[pid]).filter((entry): entry is pidusage.Status => entry != null);
      if (usage[target.pid] == null) continue;
      const cpu = live.reduce((sum, entry) => sum + entry.cpu, 0);
      const memory = live.reduce((sum, entry) => sum + entry.memory, 0);
      const max = this.maxima.get(target.name) ?? { cpu: 0, memory: 0 };
      max.cpu = Math.max(max.cpu, cpu);
      max.memory = Math.max(max.memory, memory);
      this.maxima.set(target.name, max);
      samples.push({ name: target.name, pid: target.pid, cpu, memory, maxCpu: max.cpu, maxMemory: max.memory, processes: live.length, timestamp });
    }
    return samples;
  }

  private schedule(): void {
    this.timer = setTimeout(async () => {
      try {
        const samples = await this.sample();
        if (this.running && samples.length > 0) await this.deliver(samples);
      } finally {
        if (this.running) this.schedule();
      }
    }, this.intervalMs);
    this.timer.unref();
  }
}
