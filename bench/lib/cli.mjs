// Command-line flags, result files and worker processes shared by the benchmark scripts.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = join(BENCH_DIR, '..');
export const RESULTS_DIR = join(BENCH_DIR, 'results');

/**
 * Parse `--flag`, `--flag=value` and `--flag value` into an object; numbers become numbers.
 * `defaults` lists the known flags: anything else is an error.
 */
export function parseFlags(defaults, argv = process.argv.slice(2)) {
  const flags = { ...defaults };
  for (let i = 0; i < argv.length; i += 1) {
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(argv[i]);
    if (!match || !(match[1] in defaults)) {
      throw new Error(`unknown argument ${argv[i]}; known flags: ${Object.keys(defaults).map((k) => `--${k}`).join(' ')}`);
    }
    const [, name, inline] = match;
    let value = inline;
    if (value === undefined) {
      if (typeof defaults[name] === 'boolean') value = 'true';
      else value = argv[++i];
    }
    if (typeof defaults[name] === 'boolean') flags[name] = value !== 'false';
    else if (typeof defaults[name] === 'number') flags[name] = Number(value);
    else flags[name] = value;
  }
  return flags;
}

/** True when `importMetaUrl` is the script node was started with (not imported by run-all). */
export function isMain(importMetaUrl) {
  return process.argv[1] !== undefined && importMetaUrl === pathToFileURL(process.argv[1]).href;
}

/** What the numbers were measured on. */
export function machine() {
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    kernel: `${platform()} ${release()}`,
    date: new Date().toISOString(),
    commit: gitCommit(),
    // Files of core/ and plugins/ that differ from the commit: the build measured included them.
    uncommitted: uncommittedEngineFiles(),
    core: process.env.PILOT_BENCH_CORE || '@pilot/core (core/dist)',
  };
}

function uncommittedEngineFiles() {
  try {
    const out = execFileSync('git', ['status', '--porcelain', '--', 'core/src', 'plugins'], { cwd: REPO_DIR, encoding: 'utf8' });
    return out.split('\n').filter((line) => /\.(ts|mts|js|mjs)$/.test(line) && !line.includes('/test/')).length;
  } catch {
    return undefined;
  }
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_DIR, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * Write a benchmark's result to bench/results/<name>.json, what run-all renders into
 * docs/performance.md. Smoke runs (--quick) go to results/quick/ and runs against a patched core
 * (PILOT_BENCH_CORE) to results/patched/, so neither can end up in the documentation by mistake.
 */
export function saveResult(name, result, { quick = false, patched = false } = {}) {
  const dir = process.env.PILOT_BENCH_CORE || patched ? join(RESULTS_DIR, 'patched') : quick ? join(RESULTS_DIR, 'quick') : RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/**
 * Run `node [nodeArgs] script args` in its own process and resolve with the last line of its
 * stdout parsed as JSON (workers print their measurement last). stderr passes through.
 */
export function runWorker(script, args = [], { nodeArgs = [], timeoutMs = 120_000, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => (out += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop();
      if (code !== 0) return reject(new Error(`${script} ${args.join(' ')} exited with ${code ?? signal}: ${out.slice(-500)}`));
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${script} printed no JSON result: ${out.slice(-500)}`));
      }
    });
  });
}

/** Resolve after `ms` (only to pace rounds, never to synchronise with a process). */
export const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wait until `check()` is truthy, checking every `everyMs`; reject after `timeoutMs`. */
export async function waitUntil(check, { timeoutMs = 10_000, everyMs = 5, what = 'condition' } = {}) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(everyMs);
  }
}

/**
 * Import @pilot/core, or the build named by PILOT_BENCH_CORE (an index.js path): lets an engineer
 * measure a patched copy of core against the same baselines without touching the repository.
 */
export async function importCore() {
  const override = process.env.PILOT_BENCH_CORE;
  return import(override ? pathToFileURL(override).href : '@pilot/core');
}
