import type { ProcessState } from './state.js';

/**
 * Every state change a supervised process may make, as drawn in docs/hooks.md ("State
 * machine"); a test checks that the two agree and that no run ever makes another change.
 */
export const TRANSITIONS: Readonly<Record<ProcessState, readonly ProcessState[]>> = {
  stopped: ['starting'],
  // failed: readiness failed on a first start; restarting/exited: a restart that failed to come up.
  starting: ['running', 'failed', 'restarting', 'exited', 'stopping'],
  running: ['restarting', 'exited', 'failed', 'stopping'],
  restarting: ['starting', 'stopping'],
  stopping: ['stopped'],
  exited: ['starting'],
  failed: ['starting'],
};

/** True when `from -> to` is a transition of the state machine. */
export function isTransition(from: ProcessState, to: ProcessState): boolean {
  return TRANSITIONS[from].includes(to);
}
