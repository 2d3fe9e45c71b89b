import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

/** What the lifeline kills when the host dies: a process group (with its leader's start time) or a cgroup. */
export type LifelineEntry = { kind: 'group'; pgid: number; startTime: string | undefined } | { kind: 'cgroup'; path: string };

/**
 * The lifeline's program (awk: ~1 MB, starts in a millisecond). Lines: `+g <pgid> <start>`,
 * `-g <pgid>`, `+c <dir>`, `-c <dir>`. At EOF of stdin (the host died, even by SIGKILL) it
 * SIGKILLs every registered group whose number is still ours (a live process with that pid and
 * another start time means the number was reused: skipped), writes 1 to every registered
 * cgroup's cgroup.kill (SIGKILL of each listed pid where the kernel has no cgroup.kill), then
 * removes the cgroup directories in the background once they are empty.
 */
const AWK_PROGRAM = String.raw`
function ours(g, start,   f, line, n, parts, fields) {
  f = "/proc/" g "/stat"
  if ((getline line < f) <= 0) { close(f); return 1 }
  close(f)
  n = split(line, parts, ")")
  split(parts[n], fields, " ")
  return start != "?" && fields[20] == start
}
BEGIN {
  n = split(ENVIRON["PILOT_LIFELINE_BACKLOG"], backlog, "\n")
  for (i = 1; i <= n; i++) {
    split(backlog[i], f, " ")
    if (f[1] == "+g") groups[f[2]] = f[3]
    else if (f[1] == "+c") cgroups[substr(backlog[i], 4)] = 1
  }
}
$1 == "+g" { groups[$2] = $3; next }
$1 == "-g" { delete groups[$2]; next }
$1 == "+c" { cgroups[substr($0, 4)] = 1; next }
$1 == "-c" { delete cgroups[substr($0, 4)]; next }
END {
  for (g in groups) if (g > 1 && ours(g, groups[g])) system("kill -KILL -" g " 2>/dev/null")
  for (c in cgroups) system("d=\"" c "\"; echo 1 > \"$d/cgroup.kill\" 2>/dev/null || for i in 1 2 3 4 5; do for p in $(cat \"$d/cgroup.procs\" \"$d\"/*/cgroup.procs 2>/dev/null); do kill -KILL $p 2>/dev/null; done; done; (i=0; while [ $i -lt 100 ]; do rmdir \"$d\"/*/ \"$d\" 2>/dev/null && exit; rmdir \"$d\" 2>/dev/null && exit; i=$((i+1)); sleep 0.05; done) &")
}
`;

/** The same program in Node, where awk is missing. */
const NODE_PROGRAM = String.raw`
const fs = require('fs');
const groups = new Map(), cgroups = new Set();
let buffer = '';
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']) process.on(signal, () => {});
const ours = (g, start) => {
  let text; try { text = fs.readFileSync('/proc/' + g + '/stat', 'utf8'); } catch { return true; }
  return start !== '?' && text.slice(text.lastIndexOf(')') + 2).split(' ')[19] === start;
};
const handle = (line) => {
  const [op, a, b] = line.split(' ');
  if (op === '+g') groups.set(a, b); else if (op === '-g') groups.delete(a);
  else if (op === '+c') cgroups.add(line.slice(3)); else if (op === '-c') cgroups.delete(line.slice(3));
};
for (const line of (process.env.PILOT_LIFELINE_BACKLOG || '').split('\n')) if (line) handle(line);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  let end;
  while ((end = buffer.indexOf('\n')) !== -1) {
    handle(buffer.slice(0, end));
    buffer = buffer.slice(end + 1);
  }
});
process.stdin.on('end', () => {
  for (const [g, start] of groups) if (Number(g) > 1 && ours(g, start)) { try { process.kill(-Number(g), 'SIGKILL'); } catch {} }
  for (const c of cgroups) { try { fs.writeFileSync(c + '/cgroup.kill', '1'); } catch {} }
  process.exit(0);
});
`;

const registrations = new Map<string, { line: string; count: number }>();
let watchdog: ChildProcess | undefined;
/** `-` lines not written yet (see releaseFromLifeline) and the turn that writes them. */
let pendingReleases = '';
let releaseFlush: NodeJS.Immediate | undefined;
let hostExiting = false;

function keyOf(entry: LifelineEntry): { key: string; line: string } {
  if (entry.kind === 'cgroup') return { key: `c ${entry.path}`, line: `c ${entry.path}` };
  return { key: `g ${entry.pgid}`, line: `g ${entry.pgid} ${entry.startTime ?? '?'}` };
}

/**
 * Hand `entry` to the lifeline. Resolves once the line is in the pipe, which is before this
 * returns unless the pipe is full (Node writes to a pipe at once when nothing is queued): so a
 * spawn that awaits this never resolves before the lifeline can see its group, and a host
 * SIGKILLed right after leaves nothing unknown. Counted: two holders of one entry need two releases.
 */
export function holdOnLifeline(entry: LifelineEntry): Promise<void> {
  if (process.platform !== 'linux' && process.platform !== 'darwin') return Promise.resolve();
  const { key, line } = keyOf(entry);
  const held = registrations.get(key);
  if (held) {
    held.count += 1;
    return Promise.resolve();
  }
  registrations.set(key, { line, count: 1 });
  return send(`+${line}\n`);
}

/**
 * Drop one hold of `entry`; the lifeline forgets it with the last one. Forgetting is written
 * once per event-loop turn for all releases of that turn (200 stops: one write, not 200), and
 * always before any later hold, so a `-` never overtakes a `+` of the same entry.
 */
export function releaseFromLifeline(entry: LifelineEntry): void {
  const { key } = keyOf(entry);
  const held = registrations.get(key);
  if (!held || --held.count > 0) return;
  registrations.delete(key);
  if (!watchdog) return;
  pendingReleases += `-${key}\n`;
  releaseFlush ??= setImmediate(flushReleases).unref();
}

function flushReleases(): void {
  releaseFlush = undefined;
  if (watchdog) void send('');
  else pendingReleases = '';
}

/** The lifeline's pid while one runs (diagnostics and tests). */
export function lifelinePid(): number | undefined {
  return watchdog?.pid;
}

function send(hold: string): Promise<void> {
  const stdin = ensureWatchdog().stdin!;
  const text = pendingReleases + hold;
  pendingReleases = '';
  if (releaseFlush !== undefined) clearImmediate(releaseFlush);
  releaseFlush = undefined;
  if (text === '') return Promise.resolve();
  return new Promise((resolve) => {
    stdin.write(text, () => resolve());
    if (stdin.writableLength === 0) resolve();
  });
}

function ensureWatchdog(): ChildProcess {
  if (watchdog) return watchdog;
  const awk = ['/usr/bin/awk', '/bin/awk'].some((candidate) => existsSync(candidate));
  // sh sets the terminal signals to ignored (that survives exec) so a Ctrl-C to the host's group
  // cannot end the lifeline before it has cleaned up; its own group keeps it out of the host's anyway.
  const [file, args] = awk
    ? ['/bin/sh', ['-c', 'trap "" INT TERM HUP QUIT; exec awk "$1"', 'lifeline', AWK_PROGRAM]]
    : [process.execPath, ['-e', NODE_PROGRAM]];
  // What it must kill is in its environment from its first instruction on (a lifeline restarted
  // after its predecessor died knows every group before the host can die too); later changes
  // come through the pipe. An environment of its own otherwise: it must not look like one of
  // the host's children; the marker names its host.
  const backlog = [...registrations.values()].map((held) => `+${held.line}`).join('\n');
  const env = { PATH: '/usr/bin:/bin', PILOT_LIFELINE: String(process.pid), PILOT_LIFELINE_BACKLOG: backlog };
  const child = spawn(file, args, { detached: true, stdio: ['pipe', 'ignore', 'ignore'], env });
  watchdog = child;
  // A new lifeline is told what is held now; forgetting what it never knew is moot.
  pendingReleases = '';
  child.on('error', () => undefined);
  child.stdin!.on('error', () => undefined);
  child.once('exit', () => restartAfterDeath(child));
  // Neither the lifeline nor its pipe may keep the host alive.
  child.unref();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  if (!installed) {
    installed = true;
    process.once('exit', () => (hostExiting = true));
  }
  return child;
}

let installed = false;

/** A lifeline that died (killed by someone, out of memory) is replaced at once and told everything again. */
function restartAfterDeath(child: ChildProcess): void {
  if (watchdog !== child) return;
  watchdog = undefined;
  if (!hostExiting && registrations.size > 0) ensureWatchdog();
}
