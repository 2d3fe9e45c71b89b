import { InvalidArgumentError } from 'commander';

/** Commander parser for `--only a,b --only c`: accumulates trimmed, non-empty names. */
export function collectNames(value: string, previous: string[] | undefined): string[] {
  const names = value.split(',').map((name) => name.trim()).filter((name) => name.length > 0);
  if (names.length === 0) throw new InvalidArgumentError('expected process names separated by commas, e.g. --only api,worker');
  return [...(previous ?? []), ...names];
}

/** Commander parser for a number of seconds >= 0. */
export function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new InvalidArgumentError(`expected a number of seconds >= 0 (e.g. 2 or 0.5), got "${value}"`);
  }
  return seconds;
}

/** Commander parser for a positive integer (line counts). */
export function parseCount(value: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value.trim()) || count < 1) throw new InvalidArgumentError(`expected a whole number >= 1, got "${value}"`);
  return count;
}

/** "Examples:" help text, one `$ command` line and its explanation per entry. */
export function examples(entries: readonly (readonly [command: string, what: string])[]): string {
  return `\nExamples:\n${entries.map(([command, what]) => `  $ ${command}\n      ${what}`).join('\n')}\n`;
}
