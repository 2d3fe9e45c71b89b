/**
 * SIGKILL the process group led by `pgid` (a probe spawned detached). Refuses anything that
 * cannot be a probe's group: pid <= 1 or the pilot itself (-1 would signal every process we may).
 * Returns false when the group no longer exists.
 */
export function killGroup(pgid: number | undefined): boolean {
  if (pgid === undefined || !Number.isSafeInteger(pgid) || pgid <= 1 || pgid === process.pid) return false;
  try {
    process.kill(-pgid, 'SIGKILL');
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}
