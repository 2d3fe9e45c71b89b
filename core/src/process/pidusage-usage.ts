import type pidusage from 'pidusage';
import { descendantsOf } from './proc-table.js';
import type { UsageSample } from './tree-usage.js';

/**
 * The fallback where /proc does not exist (macOS): one batched pidusage call for every tree
 * (the only pidusage import). On Linux pidusage 4.1.0 keeps an open fd per pid for up to 60 s,
 * so a crash loop exhausts `ulimit -n` and every spawn then fails with EMFILE: it is used only
 * where it reads through `ps` instead. Returns the usage of each live leader, by pid.
 */
export async function sampleTreesWithPidusage(leaders: readonly number[]): Promise<Map<number, UsageSample>> {
  const trees = leaders.map((pid) => [pid, ...descendantsOf(pid).map((entry) => entry.pid)]);
  const result = new Map<number, UsageSample>();
  if (trees.length === 0) return result;
  let usage: Record<string, pidusage.Status | null>;
  try {
    // Loaded on the first sample, not at start-up.
    const { default: sample } = await import('pidusage');
    usage = (await sample([...new Set(trees.flat())])) as Record<string, pidusage.Status | null>;
  } catch {
    return result; // every pid vanished between the walk and the sample
  }
  for (const pids of trees) {
    const leader = usage[pids[0]!];
    if (leader == null) continue;
    const live = pids.map((pid) => usage[pid]).filter((entry): entry is pidusage.Status => entry != null);
    // ctime is cumulative user + system milliseconds; a pid is its own key (no start time here).
    const perProcess = new Map(live.map((entry) => [String(entry.pid), entry.ctime / 1000]));
    result.set(pids[0]!, {
      cpuSeconds: live.reduce((sum, entry) => sum + entry.ctime / 1000, 0),
      memory: live.reduce((sum, entry) => sum + entry.memory, 0),
      processes: live.length,
      perProcess,
      ageSeconds: leader.elapsed / 1000,
    });
  }
  return result;
}
