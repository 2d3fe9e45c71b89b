import type { PluginContext, ProcessSnapshot, ProcessStats, StatsSink } from '@pilot/core';
import { formatBytes } from './memory-size.js';
import type { LimitsOptions } from './options.js';

/** A restart the `limits` handler made, with why. */
export interface LimitRestart {
  /** The process restarted. */
  process: string;
  /** Pid of the instance that was over the limit. */
  pid: number;
  /** Which option was exceeded. */
  limit: 'max_memory' | 'max_cpu';
  /** The value of the last sample (bytes or percent). */
  value: number;
  /** The limit (bytes or percent). */
  threshold: number;
  /** Consecutive samples it stayed above the limit. */
  samples: number;
  /** One line for logs: what was over which limit for how long. */
  reason: string;
}

/** Consecutive samples above each limit, for one instance (pid) of a process. */
interface Streak {
  pid: number;
  memory: number;
  cpu: number;
}

/**
 * One `limits` entry: counts, per process, the consecutive samples above `max_memory` and
 * `max_cpu` and restarts a process once a count reaches `samples`. A new pid starts from zero.
 * Restarts go through core's operation queue: a process with an operation queued or running
 * (this restart, another entry's, a control client's) is not judged, none is begun while the
 * pilot stops, and the pilot's stop drains the ones in flight.
 */
export class LimitsSink implements StatsSink {
  private readonly streaks = new Map<string, Streak>();

  constructor(
    private readonly options: LimitsOptions,
    private readonly pilot: PluginContext,
    private readonly onRestart: (event: LimitRestart) => void,
    private readonly onFailure: (event: LimitRestart, error: unknown) => void,
  ) {}

  /** Count the samples; restarts run in the background so that sampling never waits for them. */
  handle(samples: readonly ProcessStats[]): void {
    // One snapshot per batch: a lookup per sample would cost O(processes) each.
    const snapshot = this.pilot.snapshot();
    // Core would refuse the restart anyway; not even logging one keeps the pilot's stop quiet.
    if (snapshot.stopping) {
      this.streaks.clear();
      return;
    }
    const processes = new Map(snapshot.processes.map((process) => [process.name, process]));
    for (const sample of samples) {
      const event = this.exceeded(sample, processes.get(sample.name));
      if (!event) continue;
      this.streaks.delete(sample.name);
      // Logged first, so that the reason precedes the stop and start it causes in any log.
      this.onRestart(event);
      // Queued at once: from here operations.busy(name) is true, so no other entry restarts it too.
      this.pilot.restartProcesses([sample.name]).catch((error: unknown) => this.onFailure(event, error));
    }
  }

  private exceeded(sample: ProcessStats, process: ProcessSnapshot | undefined): LimitRestart | undefined {
    // Only a ready instance that is still the sampled one, with no operation on it, is judged.
    if (process?.status !== 'running' || process.pid !== sample.pid || this.pilot.operations.busy(sample.name)) {
      this.streaks.delete(sample.name);
      return undefined;
    }
    let streak = this.streaks.get(sample.name);
    if (!streak || streak.pid !== sample.pid) {
      streak = { pid: sample.pid, memory: 0, cpu: 0 };
      this.streaks.set(sample.name, streak);
    }
    const { max_memory: maxMemory, max_cpu: maxCpu, samples: needed } = this.options;
    streak.memory = maxMemory !== undefined && sample.memory > maxMemory ? streak.memory + 1 : 0;
    streak.cpu = maxCpu !== undefined && sample.cpu > maxCpu ? streak.cpu + 1 : 0;
    if (maxMemory !== undefined && streak.memory >= needed) {
      const reason = `memory ${formatBytes(sample.memory)} above max_memory ${formatBytes(maxMemory)} for ${needed} samples in a row`;
      return this.event(sample, 'max_memory', sample.memory, maxMemory, reason);
    }
    if (maxCpu !== undefined && streak.cpu >= needed) {
      const reason = `CPU ${sample.cpu.toFixed(1)}% above max_cpu ${maxCpu}% for ${needed} samples in a row`;
      return this.event(sample, 'max_cpu', sample.cpu, maxCpu, reason);
    }
    return undefined;
  }

  private event(sample: ProcessStats, limit: LimitRestart['limit'], value: number, threshold: number, why: string): LimitRestart {
    const reason = `restarting "${sample.name}" (pid ${sample.pid}): ${why}`;
    return { process: sample.name, pid: sample.pid, limit, value, threshold, samples: this.options.samples, reason };
  }
}
