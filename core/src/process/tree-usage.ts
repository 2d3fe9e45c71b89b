import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { descendantsOf, statFields } from './proc-table.js';

/** Resource use of one process tree at one moment. */
export interface UsageSample {
  /** Cumulative CPU time (user + system) of the live tree, in seconds. */
  cpuSeconds: number;
  /** Resident memory of the tree, in bytes. */
  memory: number;
  /** How many processes the tree has (the main process included). */
  processes: number;
  /**
   * Cumulative CPU seconds of each live process of the tree, keyed by `pid:startTime`, when
   * known. Lets a sampler sum per-process deltas, so that a child dying between two samples
   * never makes the tree's CPU go down (or negative) and a reused pid is never mistaken for it.
   */
  perProcess?: ReadonlyMap<string, number>;
  /** Seconds since the main process started, when known: a first sample averages over it. */
  ageSeconds?: number;
}

/** True where /proc exists (Linux): {@link sampleTree} works there. */
export const procAvailable: boolean = existsSync('/proc/self/stat');

let units: { ticks: number; pageSize: number } | undefined;

/** A sysconf value from `getconf`; `fallback` where getconf is missing. */
function getconf(name: string, fallback: number): number {
  try {
    const value = Number(execFileSync('getconf', [name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isFinite(value) && value > 0 ? value : fallback;
  } catch {
    return fallback;
  }
}

/**
 * Clock ticks per second (the unit of utime/stime in /proc) and the page size (the unit of
 * rss), read once. Without getconf: 100 is USER_HZ on every Linux architecture Node runs on, and
 * 4096 the usual page size.
 */
function kernelUnits(): { ticks: number; pageSize: number } {
  units ??= { ticks: getconf('CLK_TCK', 100), pageSize: getconf('PAGESIZE', 4096) };
  return units;
}

/** One process's line of /proc/<pid>/stat, the fields we need. */
interface ProcessUsage {
  key: string;
  cpuTicks: number;
  rssPages: number;
  startTicks: number;
}

/**
 * Read /proc/<pid>/stat with readFileSync: open, read and close in one call, so no descriptor
 * is held between samples (pidusage 4.1.0 keeps one open per pid for up to 60 s, which a crash
 * loop turns into EMFILE). Undefined for a process that is gone or a zombie.
 */
function readUsage(pid: number): ProcessUsage | undefined {
  const fields = statFields(pid);
  if (!fields) return undefined;
  // fields[0] is field 3 (state); utime, stime are 14, 15; starttime 22; rss 24.
  const startTicks = Number(fields[19]);
  return { key: `${pid}:${fields[19]}`, cpuTicks: Number(fields[11]) + Number(fields[12]), rssPages: Number(fields[21]), startTicks };
}

function uptimeSeconds(): number | undefined {
  try {
    return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
}

/**
 * CPU and memory of the live tree of `pid` (the process and its descendants by a ppid walk),
 * read from /proc without holding any file descriptor; undefined when `pid` is gone.
 * Linux only (see {@link procAvailable}).
 *
 * @example
 * ```ts
 * const usage = sampleTree(child.pid); // { cpuSeconds: 1.27, memory: 48234496, processes: 3, ... }
 * ```
 */
export function sampleTree(pid: number): UsageSample | undefined {
  const leader = readUsage(pid);
  if (!leader) return undefined;
  const { ticks, pageSize } = kernelUnits();
  const members = [leader];
  for (const entry of descendantsOf(pid)) {
    const usage = readUsage(entry.pid);
    if (usage) members.push(usage);
  }
  const perProcess = new Map<string, number>();
  let cpuTicks = 0;
  let rssPages = 0;
  for (const member of members) {
    perProcess.set(member.key, member.cpuTicks / ticks);
    cpuTicks += member.cpuTicks;
    rssPages += member.rssPages;
  }
  const uptime = uptimeSeconds();
  const ageSeconds = uptime === undefined ? undefined : Math.max(0, uptime - leader.startTicks / ticks);
  return { cpuSeconds: cpuTicks / ticks, memory: rssPages * pageSize, processes: members.length, perProcess, ageSeconds };
}
