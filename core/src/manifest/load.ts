import { extname, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { PilotError } from '../errors.js';
import type { PluginSources } from '../plugins/check-plugins.js';
import { formatIssues } from './format-issues.js';
import { throwProblems, type Problem } from './problems.js';
import { checkRawData } from './raw-checks.js';
import { readManifestText, withoutBom } from './read-manifest.js';
import { checkNames, manifestDirectoryOf, resolveManifest } from './resolve.js';
import { salvage } from './salvage.js';
import { manifestSchema, processSchema, restartBackoffSchema, type Manifest } from './schema.js';

// Loaded on first use (synchronously, for fromYaml): a manifest given as an object or JSON never
// pays the parser's memory (~5 MB) and start-up time. Core's bundle defines PILOT_BUNDLED_YAML
// as its one-file copy of the package (core/bundle.mjs); from src or tsc's output it is undefined.
declare const PILOT_BUNDLED_YAML: string | undefined;
const YAML_MODULE = typeof PILOT_BUNDLED_YAML === 'string' ? PILOT_BUNDLED_YAML : 'yaml';
let yaml: typeof import('yaml') | undefined;
const parseDocument: typeof import('yaml').parseDocument = (...args) => (yaml ??= createRequire(import.meta.url)(YAML_MODULE) as typeof import('yaml')).parseDocument(...args);

/** How a manifest is read. */
export interface LoadOptions {
  /**
   * Directory that relative paths of an in-memory manifest resolve against.
   * @default the manifest file's directory; for `fromYaml`/`fromJson`/`fromObject`, `process.cwd()`
   */
  directory?: string;
  /** Force the format instead of guessing from the extension. */
  format?: 'yaml' | 'json';
  /**
   * Check that executables, working directories and env files exist.
   * @default true
   */
  checkFiles?: boolean;
  /**
   * When `fromFile` finds problems, also load the manifest's plugins and check the names and
   * options it uses, so that the one error lists those too (on a valid manifest the pilot checks
   * them when it initializes). Only `fromFile` can: loading plugins is asynchronous.
   * @default checkFiles
   */
  checkPlugins?: boolean;
  /** Plugins the pilot will be given in code (`ProcessPilot` options), so that their names count as known in that check. */
  pilotOptions?: PluginSources;
}

/**
 * Reads and validates manifests (process_pilot's `ProcessManifest`). Every method either returns
 * a complete, valid {@link Manifest} or throws one {@link PilotError} listing every problem.
 *
 * @example
 * ```ts
 * const manifest = await ProcessManifest.fromFile('pilot.yaml');
 * ```
 */
export class ProcessManifest {
  private constructor() {}

  /**
   * Load a `.yaml`/`.yml`/`.json` file (format by extension unless `format` is given): a path,
   * or a `file:` URL such as `new URL('./pilot.yaml', import.meta.url)`.
   */
  static async fromFile(file: string | URL, options: LoadOptions = {}): Promise<Manifest> {
    if (typeof file !== 'string' && file.protocol !== 'file:') {
      throw new PilotError('PILOT_INVALID_ARGUMENT', `ProcessManifest.fromFile: expected a path or a file: URL, got ${file.href}; download it and pass the local path`);
    }
    const path = resolve(typeof file === 'string' ? file : fileURLToPath(file));
    const text = await readManifestText(path);
    const format = options.format ?? (extname(path).toLowerCase() === '.json' ? 'json' : 'yaml');
    const data = format === 'json' ? parseJson(text, path) : parseYaml(text, path);
    const checked = check(data, { ...options, directory: options.directory ?? manifestDirectoryOf(path) }, path);
    if (checked.problems.length > 0 && checked.pluginsCheckable && (options.checkPlugins ?? options.checkFiles ?? true)) {
      // Loaded here only: the plugin machinery is not needed to read a valid manifest.
      const { checkPlugins } = await import('../plugins/check-plugins.js');
      await checkPlugins(checked.manifest, checked.indexOf, checked.problems, options.pilotOptions);
    }
    throwProblems(checked.problems, path);
    return checked.manifest;
  }

  /** Parse and validate YAML text. */
  static fromYaml(text: string, options: LoadOptions = {}): Manifest {
    return validate(parseYaml(text, undefined), options, undefined);
  }

  /** Parse and validate JSON text. */
  static fromJson(text: string, options: LoadOptions = {}): Manifest {
    return validate(parseJson(text, undefined), options, undefined);
  }

  /** Validate a manifest given as a plain object (e.g. built in code). */
  static fromObject(data: unknown, options: LoadOptions = {}): Manifest {
    return validate(data, options, undefined);
  }
}

function validate(data: unknown, options: LoadOptions, source: string | undefined): Manifest {
  const { manifest, problems } = check(data, options, source);
  throwProblems(problems, source);
  return manifest;
}

/** A manifest checked in one pass: every problem, and what parsed (for the plugin check). */
interface Checked {
  /** Complete when `problems` is empty; otherwise the entries that parsed. */
  manifest: Manifest;
  problems: Problem[];
  /** Manifest index of each entry of `manifest.processes`. */
  indexOf: number[];
  /** False when an invalid field (plugins, base_directory, ...) would make plugin problems false alarms. */
  pluginsCheckable: boolean;
}

/**
 * Schema, raw-data, file and name checks in one pass. When the schema fails, what parsed is still
 * resolved (see salvage.ts), so paths and dependencies are checked along with the schema.
 */
function check(data: unknown, options: LoadOptions, source: string | undefined): Checked {
  const where = source ?? 'manifest';
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    const found = data === null || data === undefined ? 'an empty document' : Array.isArray(data) ? 'a list' : `a ${typeof data}`;
    throw new PilotError('PILOT_MANIFEST_INVALID', `${where}: expected a mapping with a "processes" list at the top level, got ${found}`);
  }
  const rawProblems: Problem[] = [];
  checkRawData(data, where, rawProblems);
  const resolveOptions = { source, directory: resolve(options.directory ?? process.cwd()), checkFiles: options.checkFiles ?? true };
  const result = manifestSchema.safeParse(data, { reportInput: true });
  const problems: Problem[] = result.success ? [] : formatIssues(result.error.issues, knownKeys).map((message) => ({ code: 'PILOT_MANIFEST_INVALID', message }));
  problems.push(...rawProblems);
  let checked: Checked;
  if (result.success) {
    const manifest = resolveManifest(result.data, resolveOptions, problems);
    checked = { manifest, problems, indexOf: manifest.processes.map((_, index) => index), pluginsCheckable: true };
  } else {
    const salvaged = salvage(data as Record<string, unknown>);
    const manifest = resolveManifest(salvaged.parsed, resolveOptions, problems, salvaged);
    const pluginsCheckable = !['plugins', 'plugin_directory', 'base_directory'].some((field) => salvaged.invalid.has(field));
    checked = { manifest, problems, indexOf: salvaged.entries.map((entry) => entry.index), pluginsCheckable };
  }
  checkNames(rawNodes((data as { processes?: unknown }).processes), problems);
  return checked;
}

/** Names and dependencies of raw process entries, as far as they are usable. */
function rawNodes(processes: unknown): { name: string; dependencies: string[] }[] {
  if (!Array.isArray(processes)) return [];
  return processes.map((entry: { name?: unknown; dependencies?: unknown }) => ({
    name: typeof entry?.name === 'string' ? entry.name : '',
    dependencies: Array.isArray(entry?.dependencies) ? entry.dependencies.filter((d): d is string => typeof d === 'string') : [],
  }));
}

/** Keys allowed where an unknown key was found, for did-you-mean. */
function knownKeys(path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(manifestSchema.shape);
  if (path[0] === 'processes' && path.length === 2) return Object.keys(processSchema.shape);
  if (path[0] === 'processes' && path[2] === 'restart_backoff') return Object.keys(restartBackoffSchema.shape);
  return ['name', 'options'];
}

/** The yaml library's code frame (the offending line and a caret), indented under the problem. */
function codeFrame(lines: readonly string[]): string {
  const shown = lines.filter((line) => line.trim() !== '');
  return shown.length === 0 ? '' : `\n${shown.map((line) => `      ${line}`).join('\n')}`;
}

function parseYaml(text: string, source: string | undefined): unknown {
  const document = parseDocument(withoutBom(text), { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => {
      const at = error.linePos?.[0];
      const [first, ...frame] = error.message.split('\n');
      return `${source ?? 'YAML'}${at ? `:${at.line}:${at.col}` : ''}: ${parserMessage(first!.replace(/ at line \d+, column \d+:$/, ''))}${codeFrame(frame)}`;
    });
    throw new PilotError('PILOT_MANIFEST_PARSE', `cannot parse YAML manifest:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      problems,
      cause: document.errors[0],
    });
  }
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // The yaml package refuses alias bombs (billion laughs) here, with a ReferenceError.
    const message = /alias/i.test((error as Error).message)
      ? 'aliases (*name) expand to too many nodes (more than 100 uses of an alias); write the values out or use fewer aliases'
      : parserMessage((error as Error).message);
    throw new PilotError('PILOT_MANIFEST_PARSE', `${source ?? 'YAML'}: cannot read YAML manifest: ${message}`, { cause: error });
  }
}

/** A parser's message, with a stack overflow said as what it is: nesting too deep to read. */
function parserMessage(message: string): string {
  return /call stack/i.test(message) ? 'nested too deeply to parse; a manifest needs only a few levels' : message;
}

function parseJson(input: string, source: string | undefined): unknown {
  const text = withoutBom(input);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PilotError('PILOT_MANIFEST_PARSE', `${source ?? 'JSON'}${jsonErrorPosition(text, error as Error)}: invalid JSON: ${parserMessage((error as Error).message)}`, {
      cause: error,
    });
  }
}

/** `:line:column` of a JSON syntax error; V8 gives a position only for some errors, yaml's JSON mode for the rest. */
function jsonErrorPosition(text: string, error: Error): string {
  const position = /position (\d+)/.exec(error.message);
  if (position) {
    const before = text.slice(0, Number(position[1]));
    return `:${before.split('\n').length}:${before.length - before.lastIndexOf('\n')}`;
  }
  const at = parseDocument(text, { schema: 'json' }).errors[0]?.linePos?.[0];
  return at ? `:${at.line}:${at.col}` : '';
}
