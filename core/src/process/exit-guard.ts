import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { stillAlive, type ProcEntry } from './proc-table.js';
import { signalProcess } from './signals.js';
import { killTreeNow } from './stop-tree.js';

const liveGroups = new Set<number>();
/** Descendants outside their group, recorded by stops in flight: the leader may die before they do. */
const strays = new Map<number, readonly ProcEntry[]>();
let installed = false;
let watchdog: ChildProcess | undefined;

/**
 * The lifeline watchdog: a tiny process in its own group that reads "+pgid"/"-pgid" lines from
 * the host and, when its stdin reaches EOF (the host died, even by SIGKILL, which no exit handler
 * survives), SIGKILLs every group still registered. It ignores terminal signals (the ignoring
 * survives exec) so a Ctrl-C to the host's group cannot kill it before it has cleaned up.
 * awk keeps the set and costs ~1 MB and ~1 ms to start; Node is the fallback where awk is missing.
 */
const AWK_WATCHDOG = [
  '/bin/sh',
  ['-c', `trap '' INT TERM HUP QUIT; exec awk '/^[+][0-9]+$/ { groups[substr($0, 2)] = 1 } /^-[0-9]+$/ { delete groups[substr($0, 2)] } END { for (g in groups) if (g > 1) system("kill -KILL -" g " 2>/dev/null") }'`],
] as const;

const NODE_WATCHDOG_SOURCE = `
const groups = new Set();
let buffer = '';
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']) process.on(signal, () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  let end;
  while ((end = buffer.indexOf('\\n')) !== -1) {
    const line = buffer.slice(0, end);
    buffer = buffer.slice(end + 1);
    const pgid = Number(line.slice(1));
    if (!Number.isInteger(pgid) || pgid <= 1) continue;
    if (line[0] === '+') groups.add(pgid); else groups.delete(pgid);
  }
});
process.stdin.on('end', () => {
  for (const pgid of groups) { try { process.kill(-pgid, 'SIGKILL'); } catch {} }
  process.exit(0);
});
`;

function spawnWatchdog(): ChildProcess {
  const awk = ['/usr/bin/awk', '/bin/awk'].some((candidate) => existsSync(candidate));
  const [file, args] = awk ? AWK_WATCHDOG : [process.execPath, ['-e', NODE_WATCHDOG_SOURCE]];
  // An empty environment (plus PATH for awk's kill): it must not look like one of the host's children.
  return spawn(file, [...args], { detached: true, stdio: ['pipe', 'ignore', 'ignore'], env: { PATH: '/usr/bin:/bin' } });
}

let pending = '';

/**
 * Queue a line for the watchdog; lines are written once per turn of the event loop (200 spawns
 * cost one pipe write, not 200). A host SIGKILLed within that turn leaves its newest groups
 * unknown to the watchdog: the price of not slowing every spawn.
 */
function tell(line: string): void {
  if (process.platform !== 'linux' && process.platform !== 'darwin') return;
  if (pending === '') setImmediate(flush);
  pending += `${line}\n`;
}

function flush(): void {
  const lines = pending;
  pending = '';
  if (!watchdog) {
    watchdog = spawnWatchdog();
    watchdog.on('error', () => (watchdog = undefined));
    watchdog.stdin!.on('error', () => undefined);
    // Neither the watchdog nor its pipe may keep the host alive.
    watchdog.unref();
    (watchdog.stdin as unknown as { unref?: () => void }).unref?.();
  }
  watchdog.stdin!.write(lines);
}

/**
 * Remember a live process group so that it is killed if the host ends before the pilot could
 * stop it: on `process.exit()` or an uncaught exception through an exit handler, and on SIGKILL
 * of the host through the lifeline watchdog. Children never outlive their pilot.
 */
export function trackGroup(pgid: number): void {
  liveGroups.add(pgid);
  tell(`+${pgid}`);
  if (!installed) {
    installed = true;
    process.on('exit', killAllNow);
  }
}

/** Forget a group whose whole tree is gone. */
export function untrackGroup(pgid: number): void {
  liveGroups.delete(pgid);
  strays.delete(pgid);
  tell(`-${pgid}`);
}

/** Remember descendants of group `pgid` that a stop recorded, so that a kill-now reaches them too. */
export function rememberDescendants(pgid: number, entries: readonly ProcEntry[]): void {
  if (liveGroups.has(pgid)) strays.set(pgid, entries.filter((entry) => entry.pgid !== pgid));
}

/** SIGKILL the tree of `pgid` now, with the descendants its stop recorded (start times checked). */
export function killGroupNow(pgid: number): void {
  killTreeNow(pgid);
  for (const entry of strays.get(pgid) ?? []) {
    try {
      if (stillAlive(entry)) signalProcess(entry.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** SIGKILL every tracked tree now (exit handler, second Ctrl-C). */
export function killAllNow(): void {
  for (const group of liveGroups) killGroupNow(group);
}
