import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Cgroup } from '../process/cgroup.js';
import { holdOnLifeline, releaseFromLifeline } from '../process/lifeline.js';
import { readProcEntry } from '../process/proc-table.js';

let instances = 0;
const ownStart = () => readProcEntry(process.pid)?.startTime ?? '0';

/**
 * The launcher that puts a child into its cgroup before it execs (so even its first fork is
 * inside): a shell that writes its own pid into cgroup.procs, then checks that its parent is still
 * the pilot (a pilot SIGKILLed before the join had its cgroup killed by the lifeline already:
 * the child must not run on uncontained), then execs the command in place: the pid stays.
 */
const LAUNCHER_SCRIPT =
  'echo $$ > "$1/cgroup.procs" || { echo "pilot: cannot join cgroup $1" >&2; exit 125; }; ' +
  'read -r s < /proc/$$/stat; o() { [ "$3" = "$1" ]; }; o "$2" ${s##*) } || exit 125; shift 2; exec "$@"';

/**
 * The pilot's own cgroup below its base (`pilot-<pid>-<start>-<n>`), holding one cgroup per run.
 * Created at the first spawn and handed to the lifeline (whose cgroup.kill on it reaches every run
 * at once); removed when its last run is released, so a stopped pilot leaves no directory.
 * Directories of dead pilots (SIGKILLed while the lifeline was gone too) are killed and removed
 * by the next pilot.
 */
export class CgroupParent {
  private cgroup: Cgroup | undefined;
  private runs = 0;
  private sequence = 0;
  private readonly prefix: string;

  constructor(private readonly base: string) {
    instances += 1;
    this.prefix = `pilot-${process.pid}-${ownStart()}-${instances}`;
  }

  /** The directory this parent uses (or will use). */
  get path(): string {
    return join(this.base, this.prefix);
  }

  /** False when the kernel has no cgroup.kill (known once the parent exists; Linux >= 5.14 has it). */
  killable(): boolean {
    return this.cgroup?.hasKill() ?? true;
  }

  /** A fresh cgroup for one run of `name`, and the launcher argv that joins it. */
  async acquire(name: string): Promise<{ cgroup: Cgroup; launcher: string[] }> {
    if (!this.cgroup) {
      removeStale(this.base);
      this.cgroup = existsSync(this.path) ? new Cgroup(this.path) : Cgroup.create(this.path, ['cpu', 'memory']);
      // Before any child can exist in it: a pilot SIGKILLed from here on has its cgroup killed.
      await holdOnLifeline({ kind: 'cgroup', path: this.path });
    }
    this.sequence += 1;
    this.runs += 1;
    const safe = name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
    const cgroup = Cgroup.create(join(this.path, `${this.sequence}-${safe}`));
    return { cgroup, launcher: ['/bin/sh', '-c', LAUNCHER_SCRIPT, 'pilot-launch', cgroup.path, String(process.pid)] };
  }

  /** A run is over (its cgroup empty and removed, or failed to spawn). */
  release(): void {
    this.runs -= 1;
    if (this.runs > 0 || !this.cgroup) return;
    if (this.cgroup.remove()) {
      releaseFromLifeline({ kind: 'cgroup', path: this.path });
      this.cgroup = undefined;
    }
  }
}

/** Kill and remove the cgroups of pilots that are gone (their pid is free or names another process). */
function removeStale(base: string): void {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  for (const name of names) {
    const match = /^pilot-(\d+)-(\d+)-\d+$/.exec(name);
    if (!match || readProcEntry(Number(match[1]))?.startTime === match[2]) continue;
    const stale = new Cgroup(join(base, name));
    stale.kill();
    stale.remove();
  }
}
