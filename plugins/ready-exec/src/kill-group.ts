/**
 * SIGKILL the process group led by `pgid` (a probe spawned detached). Refuses anything that
 * cannot be a probe's group: pid <= 1 or the pilot itself (-1 would signal every process we may).
 * Returns false when there is no such group of ours.
 */
export function killGroup(pgid: number | undefined): boolean {
  if (pgid === undefined || !Number.isSafeInteger(pgid) || pgid <= 1 || pgid === process.pid) return false;
  try {
    process.kill(-pgid, 'SIGKILL');
    return true;
  } catch {
    // ESRCH (the group is gone) or EPERM (the id is no longer ours): nothing of ours to kill.
    // Never throw: this runs inside child process events, where a throw would crash the pilot.
    return false;
  }
}
