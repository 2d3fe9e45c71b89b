import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError } from './cli-error.js';

/** The file names `pilot` looks for when no manifest is given, in order. */
export const DEFAULT_MANIFESTS = ['pilot.yaml', 'pilot.yml', 'pilot.json'] as const;

/**
 * The manifest to use: the given path (resolved; a missing file is reported by the loader with
 * its full path) or the first default name found in `directory`.
 */
export function findManifest(given: string | undefined, directory = process.cwd()): string {
  if (given !== undefined) return resolve(directory, given);
  const found = DEFAULT_MANIFESTS.map((name) => join(directory, name)).find((path) => existsSync(path));
  if (!found) {
    throw new CliError(
      `no manifest given and none of ${DEFAULT_MANIFESTS.join(', ')} exists in ${directory}; ` +
        'pass its path (pilot run path/to/pilot.yaml) or run pilot in the directory that holds it',
    );
  }
  return found;
}
