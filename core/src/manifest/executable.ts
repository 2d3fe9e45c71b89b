import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** Where an executable was found, or why not. */
export type ExecutableLookup = { path: string } | { error: string };

/**
 * Resolve `command` as a supervisor must before spawning: a name without a slash is searched on
 * `PATH`; a relative path resolves against `baseDirectory`; the result must be a regular file
 * with the exec bit for us.
 */
export function findExecutable(command: string, baseDirectory: string, pathVariable: string | undefined): ExecutableLookup {
  if (command.includes('/')) {
    const full = isAbsolute(command) ? command : resolve(baseDirectory, command);
    const problem = checkExecutable(full);
    return problem ? { error: `${full} ${problem}` } : { path: full };
  }
  const directories = (pathVariable ?? '').split(delimiter).filter(Boolean);
  for (const directory of directories) {
    const candidate = join(directory, command);
    if (checkExecutable(candidate) === undefined) return { path: candidate };
  }
  return {
    error: `"${command}" was not found on PATH (searched ${directories.join(delimiter) || 'nothing: PATH is empty'})`,
  };
}

/** Why `file` cannot be executed, or undefined when it can. */
export function checkExecutable(file: string): string | undefined {
  let stats;
  try {
    // No exception for the common miss: PATH lookups try many directories.
    stats = statSync(file, { throwIfNoEntry: false });
  } catch {
    return 'cannot be read';
  }
  if (!stats) return 'does not exist';
  if (stats.isDirectory()) return 'is a directory, not an executable';
  if (!stats.isFile()) return 'is not a regular file';
  try {
    accessSync(file, constants.X_OK);
  } catch {
    return 'is not executable (chmod +x it)';
  }
  return undefined;
}

/** Why `directory` cannot be a working directory, or undefined when it can. */
export function checkDirectory(directory: string): string | undefined {
  try {
    return statSync(directory).isDirectory() ? undefined : 'is not a directory';
  } catch {
    return 'does not exist';
  }
}
