import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import { ProcessManifest, ProcessPilot, type Manifest, type ManifestInput, type PilotOptions } from '../../src/index.js';

/** Absolute path of a fixture script in core/test/fixtures. */
export const fixture = (name: string): string => join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', name);

/** The environment variable that marks processes started by one test. */
export const MARKER_VARIABLE = 'PILOT_TEST_MARKER';

/** Pids of live processes whose environment carries `MARKER_VARIABLE=marker`. */
export function markedPids(marker: string): number[] {
  const needle = `${MARKER_VARIABLE}=${marker}\0`;
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    if (environOf(pid).includes(needle) && isAlive(pid)) pids.push(pid);
  }
  return pids;
}

/** The environment block of `pid`; '' if it is gone. Retried: the read fails for a moment while the process execs. */
function environOf(pid: number): string {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      if (!isAlive(pid)) return '';
    }
  }
  return '';
}

/** True while `pid` is a live (non-zombie) process. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Poll `condition` every 10 ms until true; throws with `what` after `timeoutMs`. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A test's sandbox: a temp directory, a unique marker put into every process's env, and a
 * cleanup that stops every pilot and SIGKILLs any marked process left (the test then fails on
 * `assertNoLeftovers`). Create one per test in beforeEach; call `cleanup()` in afterEach.
 */
export class Sandbox {
  readonly directory = mkdtempSync(join(tmpdir(), 'pilot-test-'));
  readonly marker = randomUUID();
  private readonly pilots: ProcessPilot[] = [];

  /** Write a file into the sandbox (optionally executable) and return its path. */
  file(name: string, content: string, executable = false): string {
    const path = join(this.directory, name);
    writeFileSync(path, content);
    if (executable) chmodSync(path, 0o755);
    return path;
  }

  /** Write `manifest` as YAML, adding the marker to every process's env, and load it. */
  async manifest(manifest: ManifestInput, name = 'pilot.yaml'): Promise<Manifest> {
    const marked = {
      ...manifest,
      processes: manifest.processes.map((entry) => ({ ...entry, env: { ...entry.env, [MARKER_VARIABLE]: this.marker } })),
    };
    const file = this.file(name, name.endsWith('.json') ? JSON.stringify(marked) : stringify(marked));
    return ProcessManifest.fromFile(file);
  }

  /** A pilot over `manifest` that is stopped by `cleanup()`. */
  pilot(manifest: Manifest, options: PilotOptions = {}): ProcessPilot {
    const pilot = new ProcessPilot(manifest, { handleSignals: false, ...options });
    this.pilots.push(pilot);
    return pilot;
  }

  /** Live processes started by this test. */
  leftovers(): number[] {
    return markedPids(this.marker);
  }

  /** Stop every pilot, SIGKILL any leftover of ours, remove the directory. */
  async cleanup(): Promise<number[]> {
    await Promise.allSettled(this.pilots.map((pilot) => pilot.stop()));
    const left = this.leftovers();
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(this.directory, { recursive: true, force: true });
    return left;
  }
}
