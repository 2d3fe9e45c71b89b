import { PilotError } from '../errors.js';
import { findCgroupBase } from '../process/cgroup.js';

/** The environment variable that picks the local containment: `auto` (default), `cgroup` (required) or `groups`. */
export const CONTAINMENT_VARIABLE = 'PILOT_CONTAINMENT';

/** Which containment the local executor uses, and why. */
export type Containment = { kind: 'cgroup'; base: string } | { kind: 'groups'; why: string };

/**
 * Decide the containment from `PILOT_CONTAINMENT` and what the machine allows: a cgroup v2 per
 * run where the pilot may create sub-cgroups of its own cgroup, else process groups.
 * Throws PILOT_INVALID_ARGUMENT for an unknown value, or for `cgroup` where none can be made.
 */
export function chooseContainment(value: string | undefined = process.env[CONTAINMENT_VARIABLE]): Containment {
  const wanted = value === undefined || value === '' ? 'auto' : value;
  if (wanted !== 'auto' && wanted !== 'cgroup' && wanted !== 'groups') {
    throw new PilotError('PILOT_INVALID_ARGUMENT', `${CONTAINMENT_VARIABLE}=${JSON.stringify(value)}: expected auto, cgroup or groups; unset it for auto`);
  }
  if (wanted === 'groups') return { kind: 'groups', why: `${CONTAINMENT_VARIABLE}=groups` };
  const found = findCgroupBase();
  if (!found.ok) {
    if (wanted === 'cgroup') {
      throw new PilotError('PILOT_INVALID_ARGUMENT', `${CONTAINMENT_VARIABLE}=cgroup, but no cgroup can be made: ${found.why}; run as root or in a delegated cgroup (systemd-run --user --scope -p Delegate=yes), or unset it`);
    }
    return { kind: 'groups', why: found.why };
  }
  return { kind: 'cgroup', base: found.base };
}

/**
 * One line saying which containment is in use and why, for `pilot run`. `killable` is false when
 * the kernel has no cgroup.kill (before Linux 5.14): SIGKILL then goes to each listed pid.
 */
export function describeContainment(containment: Containment, parentPath?: string, killable = true): string {
  if (containment.kind === 'groups') return `process groups (why: ${containment.why})`;
  return `cgroup v2 (${parentPath ?? containment.base}${killable ? '' : ', no cgroup.kill: SIGKILL per listed pid'})`;
}
