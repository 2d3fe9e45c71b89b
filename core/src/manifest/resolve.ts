import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import type { z } from 'zod';
import { findCycle } from '../graph.js';
import { checkDirectory, findExecutable } from './executable.js';
import type { Problem } from './problems.js';
import { withoutBom } from './read-manifest.js';
import type { InvalidFields, Salvage } from './salvage.js';
import type { Manifest, NamedReference, ProcessSpec, manifestSchema } from './schema.js';
import { ENV_KEY } from './schema.js';
import { didYouMean } from './suggest.js';

type Parsed = z.output<typeof manifestSchema>;
type ParsedProcess = Parsed['processes'][number];

/** Options of {@link resolveManifest}. */
export interface ResolveOptions {
  /** The manifest file, if any; its directory anchors relative paths. */
  source: string | undefined;
  /** Directory of the manifest (for in-memory manifests, the caller's choice). */
  directory: string;
  /** Skip executable and directory checks (used by `pilot schema`/`graph` on foreign machines). */
  checkFiles: boolean;
}

const NONE: InvalidFields = new Set();

/**
 * Turns schema output into a {@link Manifest}: absolute paths, env files merged, executables
 * found. Every problem is appended to `problems`. With `salvage` (the schema failed), checks that
 * depend on an invalid field are skipped and paths name each entry's index in the manifest.
 */
export function resolveManifest(parsed: Parsed, options: ResolveOptions, problems: Problem[], salvage?: Omit<Salvage, 'parsed'>): Manifest {
  const manifestDirectory = options.directory;
  const invalidTop = salvage?.invalid ?? NONE;
  // A wrong base_directory or shared env_file would make every path or PATH lookup a false alarm.
  const filesKnown = !invalidTop.has('base_directory') && !invalidTop.has('env_file');
  const baseDirectory = parsed.base_directory ? resolve(manifestDirectory, parsed.base_directory) : manifestDirectory;
  if (options.checkFiles && parsed.base_directory) {
    const why = checkDirectory(baseDirectory);
    if (why) problems.push({ code: 'PILOT_MANIFEST_INVALID', message: `base_directory: ${baseDirectory} ${why}` });
  }
  const sharedEnv = parsed.env_file ? readEnvFile('env_file', resolve(baseDirectory, parsed.env_file), problems) : {};
  const found = new Map<string, ReturnType<typeof findExecutable>>();
  const lookup = (command: string, pathVariable: string | undefined) => {
    const key = `${command}\0${pathVariable ?? ''}`;
    if (!found.has(key)) found.set(key, findExecutable(command, baseDirectory, pathVariable));
    return found.get(key)!;
  };
  const directories = new Map<string, string | undefined>();
  const directoryProblem = (directory: string) => {
    if (!directories.has(directory)) directories.set(directory, checkDirectory(directory));
    return directories.get(directory);
  };
  const checkFiles = options.checkFiles && filesKnown;
  const processes = parsed.processes.map((entry, index) => {
    const { index: at = index, invalid = NONE } = salvage?.entries[index] ?? {};
    return resolveProcess(entry, `processes[${at}]`, { lookup, directoryProblem, manifestDirectory, baseDirectory, sharedEnv, checkFiles, invalid }, problems);
  });
  return {
    ...parsed,
    processes,
    base_directory: baseDirectory,
    plugin_directory: parsed.plugin_directory ? resolve(baseDirectory, parsed.plugin_directory) : null,
    plugins: parsed.plugins,
    source: options.source,
  };
}

interface ProcessContext {
  /** findExecutable, memoized per manifest: 200 processes running `sh` search PATH once. */
  lookup: (command: string, pathVariable: string | undefined) => ReturnType<typeof findExecutable>;
  /** checkDirectory, memoized per manifest: 200 processes in one working directory stat it once. */
  directoryProblem: (directory: string) => string | undefined;
  manifestDirectory: string;
  baseDirectory: string;
  sharedEnv: Record<string, string>;
  checkFiles: boolean;
  /** Fields of this entry that failed the schema. */
  invalid: InvalidFields;
}

/** Fields the executable lookup depends on: with one of them invalid, a miss could be a false alarm. */
const EXECUTABLE_INPUTS = ['path', 'shell', 'env', 'env_file'];

function resolveProcess(entry: ParsedProcess, where: string, context: ProcessContext, problems: Problem[]): ProcessSpec {
  const fileEnv = entry.env_file ? readEnvFile(`${where}.env_file`, resolve(context.baseDirectory, entry.env_file), problems) : {};
  const env = { ...context.sharedEnv, ...fileEnv, ...entry.env };
  const workingDirectory = entry.working_directory
    ? resolve(context.baseDirectory, entry.working_directory)
    : context.manifestDirectory;
  let path = entry.path;
  if (context.checkFiles && !context.invalid.has('working_directory')) checkWorkingDirectory(workingDirectory, context.directoryProblem(workingDirectory), where, entry.name, problems);
  const checkExecutable = context.checkFiles && !EXECUTABLE_INPUTS.some((field) => context.invalid.has(field));
  if (!entry.shell) {
    const found = context.lookup(entry.path, env.PATH ?? process.env.PATH);
    if ('path' in found) path = found.path;
    else if (checkExecutable) {
      problems.push({ code: 'PILOT_EXECUTABLE_NOT_FOUND', message: `${where}.path: ${found.error} (process "${entry.name}")` });
    } else path = resolve(context.baseDirectory, entry.path);
  }
  const cpuCount = entry.affinity ? cpus().length : 0;
  for (const cpu of entry.affinity ?? []) {
    if (cpu >= cpuCount) {
      problems.push({
        code: 'PILOT_MANIFEST_INVALID',
        message: `${where}.affinity: CPU ${cpu} does not exist on this machine (CPUs 0-${cpuCount - 1})`,
      });
    }
  }
  return {
    ...entry,
    path,
    env,
    working_directory: workingDirectory,
    lifecycle_hooks: entry.lifecycle_hooks.map(reference),
    stat_handlers: entry.stat_handlers.map(reference),
    executor: reference(entry.executor),
  };
}

function checkWorkingDirectory(directory: string, why: string | undefined, where: string, name: string, problems: Problem[]): void {
  if (why) {
    problems.push({
      code: 'PILOT_WORKING_DIRECTORY_NOT_FOUND',
      message: `${where}.working_directory: ${directory} ${why} (process "${name}"); create it or fix the path`,
    });
  }
}

/**
 * Duplicate names, unknown dependencies and cycles. Runs on the raw entries, whether or not the
 * schema passed, so that one error lists every problem (an entry without a usable name has
 * `name: ''` and is skipped).
 */
export function checkNames(processes: readonly { name: string; dependencies: readonly string[] }[], problems: Problem[]): void {
  const seen = new Map<string, number>();
  processes.forEach((spec, index) => {
    if (spec.name === '') return;
    const first = seen.get(spec.name);
    if (first !== undefined) {
      problems.push({
        code: 'PILOT_DUPLICATE_NAME',
        message: `processes[${index}].name: "${spec.name}" is already the name of processes[${first}]; names must be unique`,
      });
    } else seen.set(spec.name, index);
  });
  const names = [...seen.keys()];
  processes.forEach((spec, index) => {
    if (spec.name === '') return;
    spec.dependencies.forEach((dependency, d) => {
      if (dependency === spec.name) {
        problems.push({ code: 'PILOT_DEPENDENCY_CYCLE', message: `processes[${index}].dependencies[${d}]: "${spec.name}" depends on itself` });
      } else if (!seen.has(dependency)) {
        problems.push({
          code: 'PILOT_MANIFEST_INVALID',
          message: `processes[${index}].dependencies[${d}]: no process is named "${dependency}"${didYouMean(dependency, names)}; known: ${names.join(', ')}`,
        });
      }
    });
  });
  const cycle = findCycle(processes.map((spec) => ({ name: spec.name, dependencies: spec.dependencies.filter((d) => d !== spec.name) })));
  if (cycle) {
    problems.push({ code: 'PILOT_DEPENDENCY_CYCLE', message: `dependency cycle: ${cycle.join(' -> ')}; remove one of these dependencies` });
  }
}

function readEnvFile(where: string, file: string, problems: Problem[]): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    problems.push({ code: 'PILOT_MANIFEST_INVALID', message: `${where}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? error}); create it or fix the path` });
    return {};
  }
  text = withoutBom(text);
  const env = parseEnv(text) as Record<string, string>;
  for (const [key, value] of Object.entries(env)) {
    if (!ENV_KEY.test(key)) problems.push({ code: 'PILOT_MANIFEST_INVALID', message: `${where}: ${file} defines invalid variable name "${key}"` });
    if (value.includes('\0')) problems.push({ code: 'PILOT_MANIFEST_INVALID', message: `${where}: ${file} gives ${key} a value with a NUL byte, which cannot be passed to a process` });
  }
  // parseEnv drops this key without a word, so it is looked for in the text.
  if (/^\s*(export\s+)?__proto__\s*=/m.test(text)) {
    problems.push({ code: 'PILOT_MANIFEST_INVALID', message: `${where}: ${file} defines "__proto__", which JavaScript would drop silently; rename it` });
  }
  return env;
}

function reference(value: string | NamedReference): NamedReference {
  return typeof value === 'string' ? { name: value, options: {} } : value;
}

/** The directory of a manifest file. */
export const manifestDirectoryOf = (file: string): string => dirname(resolve(file));
