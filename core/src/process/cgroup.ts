import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where this process sits in the cgroup v2 hierarchy, or why it cannot use it. */
export type CgroupBase = { ok: true; mount: string; base: string } | { ok: false; why: string };

/** Undo the octal escapes of /proc/self/mountinfo (`\040` is a space). */
function unescapeMountPath(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/**
 * The cgroup2 mount (its mount point and the root of the hierarchy it shows) from the text of
 * /proc/self/mountinfo: `/sys/fs/cgroup` on a unified system, `/sys/fs/cgroup/unified` on the
 * hybrid layout. Never hard-coded: containers and distributions put it elsewhere.
 */
export function cgroup2Mount(mountinfo: string): { mountPoint: string; root: string } | undefined {
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (right?.split(' ')[0] !== 'cgroup2') continue;
    const fields = left!.split(' ');
    return { root: unescapeMountPath(fields[3]!), mountPoint: unescapeMountPath(fields[4]!) };
  }
  return undefined;
}

/** This process's path in the v2 hierarchy: the `0::` line of /proc/self/cgroup. */
export function unifiedCgroupPath(procSelfCgroup: string): string | undefined {
  const line = procSelfCgroup.split('\n').find((entry) => entry.startsWith('0::'));
  return line?.slice(3);
}

/**
 * The directory of this process's own cgroup in the v2 hierarchy, when there is one and it may
 * be given sub-cgroups: the pilot must be able to create a directory there and to move processes
 * (write cgroup.procs). Root, a systemd-delegated subtree and `systemd-run --user --scope -p
 * Delegate=yes` qualify; an ordinary user's session does not.
 */
export function findCgroupBase(): CgroupBase {
  if (process.platform !== 'linux') return { ok: false, why: `cgroups exist on Linux only (this is ${process.platform})` };
  let mountinfo: string;
  let own: string | undefined;
  try {
    mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
    own = unifiedCgroupPath(readFileSync('/proc/self/cgroup', 'utf8'));
  } catch (error) {
    return { ok: false, why: `cannot read /proc/self/mountinfo or /proc/self/cgroup (${(error as NodeJS.ErrnoException).code})` };
  }
  const mount = cgroup2Mount(mountinfo);
  if (!mount) return { ok: false, why: 'no cgroup2 file system is mounted' };
  if (own === undefined) return { ok: false, why: 'this process is in no cgroup v2 (no 0:: line in /proc/self/cgroup)' };
  const root = mount.root === '/' ? '' : mount.root;
  if (!own.startsWith(root)) return { ok: false, why: `own cgroup ${own} is outside the mounted part ${mount.root}` };
  const base = join(mount.mountPoint, own.slice(root.length));
  // The lifeline and the launcher quote these paths in sh: refuse what quoting cannot carry.
  if (/['\n\\]/.test(base)) return { ok: false, why: `cgroup path ${JSON.stringify(base)} holds a quote, backslash or newline` };
  try {
    accessSync(join(base, 'cgroup.procs'), constants.W_OK);
    accessSync(base, constants.W_OK);
  } catch {
    return { ok: false, why: `${base} is not writable (not root and not a delegated subtree)` };
  }
  return { ok: true, mount: mount.mountPoint, base };
}

/** One cgroup directory that the pilot created and owns. */
export class Cgroup {
  constructor(readonly path: string) {}

  /** Create `path` (and enable `controllers` for its children where the kernel allows). */
  static create(path: string, controllers: readonly string[] = []): Cgroup {
    mkdirSync(path);
    const cgroup = new Cgroup(path);
    if (controllers.length > 0) cgroup.enableControllers(controllers);
    return cgroup;
  }

  /**
   * Enable the controllers (of `wanted`) that the parent offers in this cgroup's children, so
   * that they get memory.current; it is fine without: cpu.stat exists without the cpu controller.
   */
  enableControllers(wanted: readonly string[]): void {
    const offered = new Set(this.read('cgroup.controllers').split(/\s+/));
    const enable = wanted.filter((name) => offered.has(name));
    if (enable.length === 0) return;
    try {
      this.write('cgroup.subtree_control', enable.map((name) => `+${name}`).join(' '));
    } catch {
      // EBUSY (processes in a non-root cgroup) or no delegation of the controller: stats get by without.
    }
  }

  /** Pids of the live processes in this cgroup (not in its children). */
  procs(): number[] {
    const text = this.readOrEmpty('cgroup.procs');
    return text === '' ? [] : text.trim().split('\n').map(Number);
  }

  /** True while a live process is in this cgroup or below it (`populated` of cgroup.events). */
  populated(): boolean {
    return /^populated 1$/m.test(this.readOrEmpty('cgroup.events'));
  }

  /** True when the kernel has cgroup.kill (Linux >= 5.14). */
  hasKill(): boolean {
    return existsSync(join(this.path, 'cgroup.kill'));
  }

  /**
   * SIGKILL every process in this cgroup and below, synchronously, through cgroup.kill: no pid is
   * involved, so nothing outside can be hit. Without cgroup.kill: SIGKILL every pid listed, until
   * none is left (the list is re-read: a fork between read and kill adds one).
   */
  kill(): void {
    if (this.hasKill()) {
      try {
        this.write('cgroup.kill', '1');
      } catch {
        // Removed meanwhile: nothing is left to kill.
      }
      return;
    }
    for (let round = 0; round < 100; round += 1) {
      const pids = this.allProcs();
      if (pids.length === 0) return;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // exited between the read and the kill
        }
      }
    }
  }

  /** Pids in this cgroup and every cgroup below it. */
  allProcs(): number[] {
    const pids = this.procs();
    for (const child of this.children()) pids.push(...new Cgroup(child).allProcs());
    return pids;
  }

  /** Directories of the cgroups directly below this one. */
  children(): string[] {
    try {
      return readdirSync(this.path, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => join(this.path, entry.name));
    } catch {
      return [];
    }
  }

  /** CPU time of every process that ever ran in it (cpu.stat `usage_usec`), in seconds. */
  cpuSeconds(): number | undefined {
    const match = /^usage_usec (\d+)$/m.exec(this.readOrEmpty('cpu.stat'));
    return match ? Number(match[1]) / 1e6 : undefined;
  }

  /** memory.current in bytes, where the memory controller is enabled for this cgroup. */
  memoryCurrent(): number | undefined {
    const text = this.readOrEmpty('memory.current');
    return text === '' ? undefined : Number(text);
  }

  /** Remove the directory (with any empty sub-cgroups); false while a process is still inside. */
  remove(): boolean {
    for (const child of this.children()) new Cgroup(child).remove();
    try {
      rmdirSync(this.path);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT';
    }
  }

  /** Write a control file (throws the kernel's errno). */
  write(file: string, text: string): void {
    writeFileSync(join(this.path, file), text);
  }

  private read(file: string): string {
    return readFileSync(join(this.path, file), 'utf8');
  }

  private readOrEmpty(file: string): string {
    try {
      return this.read(file);
    } catch {
      return '';
    }
  }
}
