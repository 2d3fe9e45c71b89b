import { checkDirectory, checkExecutable } from '../manifest/executable.js';
import type { LogLine } from '../process/output.js';
import { spawnChild, type SpawnRequest } from '../process/spawn-child.js';
import { CgroupParent } from './cgroup-parent.js';
import { CgroupRun } from './cgroup-run.js';
import { chooseContainment, describeContainment, type Containment } from './containment.js';
import type { Executor, ExecutorRun } from './executor.js';
import { GroupRun } from './group-run.js';

/**
 * Runs processes on this machine. Where the pilot may create cgroups (root, a delegated subtree),
 * each run gets a cgroup v2 of its own; otherwise each run leads its own process group, with
 * identity checks before every signal. Either way a lifeline kills everything if the pilot dies.
 * `PILOT_CONTAINMENT=groups` forces the process groups (see docs/architecture.md for what each
 * guarantees).
 */
export class LocalExecutor implements Executor {
  readonly name = 'local';
  private readonly containment: Containment;
  private readonly parent: CgroupParent | undefined;

  /** @param containment decided from `PILOT_CONTAINMENT` and the machine unless given. */
  constructor(containment: Containment = chooseContainment()) {
    this.containment = containment;
    this.parent = containment.kind === 'cgroup' ? new CgroupParent(containment.base) : undefined;
  }

  describe(): string {
    return describeContainment(this.containment, this.parent?.path, this.parent?.killable());
  }

  async spawn(name: string, request: SpawnRequest, onLine: (line: LogLine) => void): Promise<ExecutorRun> {
    // A request that cannot start is spawned bare: spawnChild then explains it (missing cwd or
    // executable) instead of the launcher's shell reporting "not found".
    if (!this.parent || cannotStart(request)) return GroupRun.contain(await spawnChild(name, request, onLine));
    const { cgroup, launcher } = await this.parent.acquire(name);
    let run: CgroupRun;
    try {
      run = new CgroupRun(await spawnChild(name, request, onLine, launcher), cgroup, this.parent);
    } catch (error) {
      cgroup.remove();
      this.parent.release();
      throw error;
    }
    await run.joined();
    return run;
  }
}

function cannotStart(request: SpawnRequest): boolean {
  return checkDirectory(request.cwd) !== undefined || (!request.shell && checkExecutable(request.command) !== undefined);
}
