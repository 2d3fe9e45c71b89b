import { constants } from 'node:os';
import { z } from 'zod';
import { distance } from './suggest.js';

/** The longest delay a Node timer can wait: `setTimeout` fires after 1 ms for anything larger. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** {@link MAX_TIMER_MS} in seconds, the cap of every duration in a manifest (about 24.8 days). */
export const MAX_SECONDS = MAX_TIMER_MS / 1000;

const TOO_LONG = `expected at most ${MAX_SECONDS} seconds (about 24.8 days, the longest timer Node can set)`;

/** A duration in seconds, `> 0` (or `>= 0` with `zero`), capped at {@link MAX_SECONDS}. */
export function seconds(what: string, { zero = false }: { zero?: boolean } = {}): z.ZodNumber {
  const number = z.number({ error: `expected a number of seconds (${what})` });
  const bounded = zero ? number.nonnegative({ error: 'expected a number of seconds >= 0' }) : number.positive({ error: 'expected a number of seconds > 0' });
  return bounded.max(MAX_SECONDS, { error: TOO_LONG });
}

/** Signal names Node can send (`os.constants.signals`), e.g. `SIGTERM`. */
export const SIGNAL_NAMES: readonly string[] = Object.keys(constants.signals);

/** A signal name Node knows; an unknown one gets a did-you-mean (`TERM` -> `SIGTERM`). */
export const signalName = z.string({ error: 'expected a signal name such as "SIGTERM" or "SIGINT"' }).superRefine((value, context) => {
  if (SIGNAL_NAMES.includes(value)) return;
  const match = likelySignal(value);
  context.addIssue({
    code: 'custom',
    input: value,
    message: 'expected a signal name Node knows, such as "SIGTERM", "SIGINT", "SIGHUP" or "SIGUSR1"',
    params: { hint: match ? ` (did you mean "${match}"?)` : '' },
  });
});

/** Text handed to the kernel (paths, argv, env): a NUL byte would end it early, so it is refused. */
export function kernelText(schema: z.ZodString = z.string()): z.ZodString {
  return schema.refine((value) => !value.includes('\0'), { error: 'expected text without NUL bytes (a NUL cannot be passed to a process)' });
}

/**
 * The signal `value` was probably meant to be: the same name in another case or without `SIG`,
 * or one letter off or swapped. Stricter than the generic did-you-mean, which would suggest
 * `SIGIOT` for `SIGFOO` (signal names are short and alike).
 */
function likelySignal(value: string): string | undefined {
  const bare = value.toUpperCase().replace(/^SIG/, '');
  const sorted = (text: string) => [...text].sort().join('');
  return SIGNAL_NAMES.find((name) => {
    const candidate = name.slice(3);
    return candidate === bare || distance(candidate, bare) <= 1 || (candidate.length > 2 && sorted(candidate) === sorted(bare));
  });
}

/**
 * Keys a JavaScript object cannot hold as data: zod's records and `util.parseEnv` drop
 * `__proto__` without a word (`constructor` and `prototype` are kept, so they are allowed).
 */
export const UNSAFE_KEYS: readonly string[] = ['__proto__'];
