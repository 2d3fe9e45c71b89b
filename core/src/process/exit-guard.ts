/** Something that can SIGKILL all it contains at once, synchronously (a run's group or cgroup). */
export interface KillableNow {
  killNow(): void;
}

const live = new Set<KillableNow>();
let installed = false;

/**
 * Remember a live run so that it is killed if the host ends before the pilot could stop it: on
 * `process.exit()` or an uncaught exception through an exit handler. (SIGKILL of the host, which
 * no handler survives, is the lifeline's job: see lifeline.ts.) Children never outlive their pilot.
 */
export function guardOnExit(run: KillableNow): void {
  live.add(run);
  if (!installed) {
    installed = true;
    process.on('exit', killAllNow);
  }
}

/** Forget a run whose whole tree is gone. */
export function releaseOnExit(run: KillableNow): void {
  live.delete(run);
}

/** SIGKILL every guarded run now (the exit handler, a second Ctrl-C). Never throws: exit handlers must not. */
export function killAllNow(): void {
  for (const run of live) {
    try {
      run.killNow();
    } catch {
      // An invalid target was never signalled; the others still are.
    }
  }
}
