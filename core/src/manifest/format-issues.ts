import type { z } from 'zod';
import { UNSAFE_KEYS } from './values.js';
import { didYouMean } from './suggest.js';

/** `processes[1].ready_params.port` from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(manifest)' : out;
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Keys allowed at the place of an unrecognized-keys issue, for did-you-mean. */
export type KnownKeys = (path: readonly PropertyKey[]) => readonly string[];

/**
 * One line per zod issue: `where: expected ..., got ...` with a did-you-mean for unknown keys.
 * `prefix` is prepended to every path (e.g. `processes[1].ready_params`).
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], knownKeys: KnownKeys, prefix = ''): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const where = prefix ? (issue.path.length ? `${prefix}${formatPath(issue.path).replace(/^(?!\[)/, '.')}` : prefix) : formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const allowed = knownKeys(issue.path);
      // Such keys are reported by findUnsafeKeys (raw-checks.ts), at every depth, once.
      for (const key of issue.keys.filter((k) => !UNSAFE_KEYS.includes(k))) {
        lines.push(
          `${where}: unknown key "${key}"${didYouMean(key, allowed)}; allowed keys: ${allowed.join(', ')}`,
        );
      }
      continue;
    }
    const input = (issue as { input?: unknown }).input;
    lines.push(`${where}: ${describeIssue(issue, input)}`);
  }
  return lines;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  // Our schemas carry messages that start with "expected ..."; zod's defaults are rephrased.
  const own = issue.message.startsWith('expected') ? issue.message : undefined;
  if (issue.code === 'invalid_type' && input === undefined) return `required (${own ?? issue.expected}) but missing`;
  if (issue.code === 'invalid_type') return `${own ?? `expected ${issue.expected}`}, got ${shown(input)}`;
  if (issue.code === 'invalid_value') {
    const options = issue.values.map(String);
    const hint = typeof input === 'string' ? didYouMean(input, options) : '';
    return `expected one of ${options.map((v) => JSON.stringify(v)).join(', ')}, got ${shown(input)}${hint}`;
  }
  if (issue.code === 'too_small' || issue.code === 'too_big') {
    const bound = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
    const what = issue.origin === 'array' ? 'an array with length' : issue.origin === 'string' ? 'a string with length' : 'a number';
    return `${own ?? `expected ${what} ${bound} ${String(issue.code === 'too_small' ? issue.minimum : issue.maximum)}`}, got ${shown(input)}`;
  }
  if (issue.code === 'invalid_format') return `${own ?? `expected ${issue.format}`}, got ${shown(input)}`;
  if (issue.code === 'invalid_key') return `${issue.issues[0]?.message ?? 'invalid key'}, got ${shown(issue.path[issue.path.length - 1])}`;
  if (issue.code === 'invalid_union') return `${own ?? 'expected a value of one of the allowed shapes'}, got ${shown(input)}`;
  const hint = issue.code === 'custom' && typeof issue.params?.hint === 'string' ? issue.params.hint : '';
  return `${own ?? issue.message}, got ${shown(input)}${hint}`;
}
