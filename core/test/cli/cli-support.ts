import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { ManifestInput } from '../../src/index.js';
import { MARKER_VARIABLE, eventually, isAlive, type Sandbox } from '../support/index.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The built `pilot` binary (tests run after `npx tsc -b`). */
export const CLI = join(here, '..', '..', 'dist', 'bundle', 'pilot.js');
/** A plugin file with the readiness strategy `test-file`: ready once `ready_params.path` exists. */
export const FILE_READY_PLUGIN = join(here, 'fixtures', 'file-ready-plugin.mjs');

/** How a finished CLI run ended. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of one CLI run. */
export interface CliOptions {
  cwd: string;
  /** Variables added to a clean environment (no NO_COLOR / FORCE_COLOR inherited from Jest). */
  env?: Record<string, string>;
  /** Marks the CLI and, through inheritance, every process it starts. */
  marker?: string;
  /** Run under `script` so that stdout is a terminal. */
  tty?: boolean;
}

/** A running `pilot` command whose output is collected; see {@link CliRun.until}. */
export class CliRun {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly done: Promise<CliResult>;

  constructor(args: readonly string[], options: CliOptions) {
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
    if (!options.env?.NO_COLOR) delete env.NO_COLOR;
    if (!options.env?.FORCE_COLOR) delete env.FORCE_COLOR;
    if (options.marker) env[MARKER_VARIABLE] = options.marker;
    const command = options.tty ? 'script' : process.execPath;
    const argv = options.tty ? ['-qfec', [process.execPath, CLI, ...args].map(shellQuote).join(' '), '/dev/null'] : [CLI, ...args];
    this.child = spawn(command, argv, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.done = new Promise((resolve) => {
      this.child.on('close', (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }));
    });
    running.add(this);
    void this.done.then(() => running.delete(this));
  }

  /** Wait until stdout (or stderr) matches `pattern`; fails with the output so far. */
  async until(pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout', timeoutMs = 15_000): Promise<void> {
    try {
      await eventually(() => pattern.test(this[stream]), `${stream} to match ${pattern}`, timeoutMs);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`);
    }
  }

  /** Send a signal to the CLI process itself (never by name, never to a group). */
  signal(signal: NodeJS.Signals): void {
    if (this.child.pid !== undefined && isAlive(this.child.pid)) process.kill(this.child.pid, signal);
  }
}

const running = new Set<CliRun>();

/** Run `pilot args...` to completion. */
export function pilot(args: readonly string[], options: CliOptions): Promise<CliResult> {
  return new CliRun(args, options).done;
}

/** SIGKILL every CLI still running (afterEach, before the sandbox kills what they started). */
export function killRunningClis(): void {
  for (const run of running) run.signal('SIGKILL');
  running.clear();
}

/**
 * afterEach: SIGKILL the CLIs still running, give marked processes a moment to end on their own
 * (the engine's lifeline watchdog inherits the marker and exits just after its host), then
 * SIGKILL what is left and return it: a test leaving processes behind fails.
 */
export async function cleanUp(sandbox: Sandbox): Promise<number[]> {
  killRunningClis();
  await eventually(() => sandbox.leftovers().length === 0, 'marked processes to exit', 3000).catch(() => undefined);
  return sandbox.cleanup();
}

/** Write `manifest` as YAML into the sandbox (the marker added to every process) and return its path. */
export function writeManifest(sandbox: Sandbox, manifest: ManifestInput, name = 'pilot.yaml'): string {
  const marked = {
    ...manifest,
    processes: manifest.processes.map((entry) => ({ ...entry, env: { ...entry.env, [MARKER_VARIABLE]: sandbox.marker } })),
  };
  return sandbox.file(name, stringify(marked));
}

/** Every JSON line of `text`. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Lines of `text` that are pilot events (`pilot > ...`), without the prefix. */
export function eventLines(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => /^pilot\s+> /.test(line))
    .map((line) => line.replace(/^pilot\s+> /, ''));
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** True when the `script` utility (util-linux) is available for terminal tests. */
export function hasScript(): boolean {
  return ['/usr/bin/script', '/bin/script'].some((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
