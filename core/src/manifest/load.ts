import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { PilotError } from '../errors.js';
import { formatIssues } from './format-issues.js';
import { throwProblems, type Problem } from './problems.js';
import { checkNames, manifestDirectoryOf, resolveManifest } from './resolve.js';
import { manifestSchema, processSchema, restartBackoffSchema, type Manifest } from './schema.js';

// Loaded on first use (synchronously, for fromYaml): a manifest given as an object never pays
// the parser's memory (~5 MB) and start-up time.
let yaml: typeof import('yaml') | undefined;
const parseDocument: typeof import('yaml').parseDocument = (...args) => (yaml ??= createRequire(import.meta.url)('yaml') as typeof import('yaml')).parseDocument(...args);

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

  /** Load a `.yaml`/`.yml`/`.json` file (format by extension unless `format` is given). */
  static async fromFile(file: string, options: LoadOptions = {}): Promise<Manifest> {
    const path = resolve(file);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new PilotError(
        'PILOT_MANIFEST_NOT_FOUND',
        code === 'ENOENT'
          ? `manifest ${path} does not exist; pass the path of a pilot.yaml (or .json)`
          : `cannot read manifest ${path}: ${code ?? String(error)}`,
        { cause: error },
      );
    }
    const format = options.format ?? (extname(path).toLowerCase() === '.json' ? 'json' : 'yaml');
    const data = format === 'json' ? parseJson(text, path) : parseYaml(text, path);
    return validate(data, { ...options, directory: options.directory ?? manifestDirectoryOf(path) }, path);
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
  const where = source ?? 'manifest';
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    const found = data === null || data === undefined ? 'an empty document' : Array.isArray(data) ? 'a list' : `a ${typeof data}`;
    throw new PilotError('PILOT_MANIFEST_INVALID', `${where}: expected a mapping with a "processes" list at the top level, got ${found}`);
  }
  const result = manifestSchema.safeParse(data, { reportInput: true });
  if (!result.success) {
    const problems: Problem[] = formatIssues(result.error.issues, knownKeys).map((message) => ({ code: 'PILOT_MANIFEST_INVALID', message }));
    checkNames(rawNodes((data as { processes?: unknown }).processes), problems);
    throwProblems(problems, where);
  }
  const problems: Problem[] = [];
  const manifest = resolveManifest(
    result.data!,
    { source, directory: resolve(options.directory ?? process.cwd()), checkFiles: options.checkFiles ?? true },
    problems,
  );
  throwProblems(problems, where);
  return manifest;
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

function parseYaml(text: string, source: string | undefined): unknown {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => {
      const at = error.linePos?.[0];
      return `${source ?? 'YAML'}${at ? `:${at.line}:${at.col}` : ''}: ${error.message.split('\n')[0]}`;
    });
    throw new PilotError('PILOT_MANIFEST_PARSE', `cannot parse YAML manifest:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      problems,
      cause: document.errors[0],
    });
  }
  return document.toJS({ maxAliasCount: 100 });
}

function parseJson(text: string, source: string | undefined): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PilotError('PILOT_MANIFEST_PARSE', `${source ?? 'JSON'}${jsonErrorPosition(text, error as Error)}: invalid JSON: ${(error as Error).message}`, {
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
