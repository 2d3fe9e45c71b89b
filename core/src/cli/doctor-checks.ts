import { existsSync, mkdtempSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTAINMENT_VARIABLE, chooseContainment } from '../executor/containment.js';
import { discoverPluginPackages } from '../index.js';
import { findExecutable } from '../manifest/executable.js';

/** `ok`: works; `warn`: works with less (or optional and absent); `missing`: the pilot cannot work. */
export type CheckStatus = 'ok' | 'warn' | 'missing';

/** One line of `pilot doctor`. */
export interface Check {
  /** What is checked (`node`, `containment`, ...). */
  name: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do about it (every line that is not ok has one). */
  fix?: string;
}

const ok = (name: string, detail: string): Check => ({ name, status: 'ok', detail });

/** Node >= 20 (what @pilot/core's engines field asks for). */
export function checkNode(version: string = process.versions.node): Check {
  const major = Number(version.split('.')[0]);
  if (major >= 20) return ok('node', `Node ${version}`);
  return { name: 'node', status: 'missing', detail: `Node ${version}; @pilot/core needs 20 or later`, fix: 'install Node 20 or later (nvm install 20, or your distribution\'s nodejs package)' };
}

/** Which containment `pilot run` would use and why (docs/architecture.md, "Containment"). */
export function checkContainment(): Check {
  const variable = process.env[CONTAINMENT_VARIABLE];
  const set = variable ? `${CONTAINMENT_VARIABLE}=${variable}` : `${CONTAINMENT_VARIABLE} unset: auto`;
  let chosen;
  try {
    chosen = chooseContainment(variable);
  } catch (error) {
    return { name: 'containment', status: 'missing', detail: (error as Error).message, fix: `set ${CONTAINMENT_VARIABLE} to auto, cgroup or groups, or unset it` };
  }
  if (chosen.kind === 'cgroup') return ok('containment', `cgroup v2 per process under ${chosen.base} (${set}): every descendant is tracked and killed`);
  if (variable === 'groups') return ok('containment', `process groups, chosen by ${CONTAINMENT_VARIABLE}=groups`);
  return {
    name: 'containment',
    status: 'warn',
    detail: `process groups (why: ${chosen.why}; ${set}): a double-forking daemon can escape`,
    fix: 'for a cgroup per process run as root, or in a delegated cgroup: systemd-run --user --scope -p Delegate=yes pilot run',
  };
}

/** Fewer open files than this for the pilot is a warning (each process costs a few fds, the pipe pool 32). */
const FEW_FILES = 1024;

/** The open-files limit (getrlimit is not in Node: /proc/self/limits). Node raises its soft limit to the hard one at start. */
export function checkOpenFiles(limits = '/proc/self/limits'): Check {
  let line: string | undefined;
  try {
    line = readFileSync(limits, 'utf8').split('\n').find((text) => text.startsWith('Max open files'));
  } catch {
    line = undefined;
  }
  const match = line && /^Max open files\s+(\S+)\s+(\S+)/.exec(line);
  if (!match) return { name: 'open files', status: 'warn', detail: `cannot read ${limits}`, fix: 'check `ulimit -n` yourself: the pilot holds a few fds per process' };
  const [, soft, hard] = match as unknown as [string, string, string];
  const detail = `ulimit -n soft ${soft}, hard ${hard}`;
  if (soft !== 'unlimited' && Number(soft) < FEW_FILES) {
    return { name: 'open files', status: 'warn', detail, fix: `raise it before pilot run: ulimit -n ${hard} (or LimitNOFILE= in a systemd unit)` };
  }
  return ok('open files', detail);
}

/** awk for the lifeline; it is looked for in /usr/bin and /bin, not on PATH (process/lifeline.ts). */
export function checkAwk(candidates: readonly string[] = ['/usr/bin/awk', '/bin/awk']): Check {
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found) return ok('awk', `${found}: the lifeline that kills everything if the pilot dies is a 1 MB awk process`);
  return { name: 'awk', status: 'warn', detail: `no awk in ${candidates.join(' or ')}: the lifeline runs as a Node process instead (slower start, ~40 MB)`, fix: 'install awk (apt-get install mawk, apk add gawk)' };
}

/** A command the pilot finds on its PATH, with what its absence costs and how to fix it. */
export function checkOnPath(command: string, use: string, without: string, fix: string, path = process.env.PATH): Check {
  const found = findExecutable(command, process.cwd(), path);
  if ('path' in found) return ok(command, `${found.path}: ${use}`);
  return { name: command, status: 'warn', detail: `not on PATH: ${without}`, fix };
}

/** The base of runtime directories (control sockets of manifests without a file): writable, and private directories can be made in it. */
export function checkRuntimeDirectory(): Check {
  const base = process.env.XDG_RUNTIME_DIR || tmpdir();
  const from = process.env.XDG_RUNTIME_DIR ? 'XDG_RUNTIME_DIR' : 'TMPDIR; XDG_RUNTIME_DIR is unset';
  const fix = `point ${process.env.XDG_RUNTIME_DIR ? 'XDG_RUNTIME_DIR' : 'TMPDIR'} at a writable directory of yours`;
  let probe: string | undefined;
  try {
    probe = mkdtempSync(join(base, 'pilot-doctor-'));
    const stats = statSync(probe);
    const mode = stats.mode & 0o777;
    if (mode !== 0o700 || (process.getuid && stats.uid !== process.getuid())) {
      return { name: 'runtime dir', status: 'warn', detail: `${base} (${from}): a new directory got mode ${mode.toString(8)}, not 700`, fix };
    }
    return ok('runtime dir', `${base} (${from}): writable, private 0700 directories`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' || code === 'EROFS' ? 'is not writable' : (error as Error).message;
    return { name: 'runtime dir', status: 'warn', detail: `${base} (${from}) ${why}: control servers of manifests without a file cannot make their socket directory`, fix };
  } finally {
    if (probe) rmdirSync(probe);
  }
}

/** Plugin packages installed above `directory` (and bundled in core), with what each provides. */
export async function checkPlugins(directory: string): Promise<Check[]> {
  const packages = await discoverPluginPackages([directory]);
  if (packages.length === 0) return [{ name: 'plugins', status: 'warn', detail: 'no plugin package found', fix: 'npm install the @pilot/plugin-* packages your manifests name' }];
  return packages.map((pkg) => {
    const provides = Object.entries(pkg.provides).map(([kind, names]) => `${kind} ${names?.join(', ')}`);
    return ok('plugin', `${pkg.name}: ${provides.join('; ') || 'nothing declared'}`);
  });
}

/** Every check, in the order `pilot doctor` prints them. */
export async function runChecks(directory: string): Promise<Check[]> {
  return [
    checkNode(),
    checkContainment(),
    checkOpenFiles(),
    checkAwk(),
    checkOnPath('mkfifo', 'children get real pipes (they may open /dev/stdout)', 'children get socketpairs, on which open("/dev/stdout") fails (nginx access_log /dev/stdout)', 'install coreutils'),
    checkOnPath('ssh', 'for processes on remote hosts (optional)', 'only needed for processes on remote hosts (optional)', 'install an ssh client (apt-get install openssh-client) if you run processes on other hosts'),
    checkRuntimeDirectory(),
    ...(await checkPlugins(directory)),
  ];
}

/** True when a check the pilot cannot work without failed. */
export function anyMissing(checks: readonly Check[]): boolean {
  return checks.some((check) => check.status === 'missing');
}
