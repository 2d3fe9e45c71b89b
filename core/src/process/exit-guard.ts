import { killGroupNow } from './stop-tree.js';

const liveGroups = new Set<number>();
let installed = false;

/**
 * Remember a live process group so that it is SIGKILLed if the host exits (`process.exit()`, an
 * uncaught exception) before the pilot could stop it: children never outlive their pilot.
 */
export function trackGroup(pgid: number): void {
  liveGroups.add(pgid);
  if (!installed) {
    installed = true;
    process.on('exit', () => {
      for (const group of liveGroups) killGroupNow(group);
    });
  }
}

/** Forget a group whose whole tree is gone. */
export function untrackGroup(pgid: number): void {
  liveGroups.delete(pgid);
}
