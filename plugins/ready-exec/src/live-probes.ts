import { killGroup } from './kill-group.js';

const live = new Set<number>();
let installed = false;

/**
 * Remember a running probe's group so that it is killed if the host exits mid-probe
 * (`process.exit()`, an uncaught exception): a probe never outlives its pilot that way.
 * (Surviving a SIGKILL of the host would need core's lifeline watchdog, which is not public.)
 */
export function trackProbe(pgid: number): void {
  live.add(pgid);
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    for (const group of live) killGroup(group);
  });
}

/** Forget a probe whose group was killed or has exited. */
export function untrackProbe(pgid: number): void {
  live.delete(pgid);
}
