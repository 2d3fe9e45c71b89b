import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join, resolve, sep } from 'node:path';

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
  // Each directory once: a PATH often lists one twice (profile scripts that prepend again).
  const directories = [...new Set((pathVariable ?? '').split(delimiter).filter(Boolean))];
  for (const directory of directories) {
    const candidate = join(directory, command);
    if (checkExecutable(candidate) === undefined) return { path: candidate };
  }
  const searched = directories.length === 0 ? 'nothing: PATH is empty' : shortPathList(directories);
  return { error: `"${command}" was not found on PATH (searched ${searched}); give its full path or add its directory to PATH` };
}

/** Beyond this many directories the middle of a searched list is elided. */
const LISTED_DIRECTORIES = 8;

/**
 * Directories for a message: `~` for the home directory, and a long list cut in the middle
 * (`/a, /b, ... 7 more ..., /y, /z`), keeping the ends, which people usually edit.
 */
export function shortPathList(directories: readonly string[], home: string = homedir()): string {
  const short = directories.map((directory) => (home.length > 1 && (directory === home || directory.startsWith(home + sep)) ? `~${directory.slice(home.length)}` : directory));
  if (short.length <= LISTED_DIRECTORIES) return short.join(delimiter);
  const head = short.slice(0, LISTED_DIRECTORIES - 3);
  const tail = short.slice(-2);
  return [...head, `... ${short.length - head.length - tail.length} more ...`, ...tail].join(delimiter);
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
