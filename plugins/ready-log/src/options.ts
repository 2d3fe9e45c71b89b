import { z } from 'zod';

/** Flags a pattern may carry; `g` and `y` are left out because they make `test()` stateful. */
const FLAGS = /^[dimsuv]*$/;

/** The compile error of `pattern` with `flags`, or undefined when it compiles. */
export function regexpProblem(pattern: string, flags: string): string | undefined {
  try {
    new RegExp(pattern, flags);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** `ready_params` of the `log` strategy. */
export const logOptionsSchema = z
  .strictObject({
    /** A JavaScript regular expression, without slashes, tested against each line. */
    pattern: z.string({ error: "expected a regular expression as a string, e.g. 'listening on port \\d+'" }).min(1, {
      error: 'expected a non-empty regular expression',
    }),
    /**
     * RegExp flags, e.g. `i` for case-insensitive.
     * @default ""
     */
    flags: z
      .string({ error: 'expected RegExp flags as a string, e.g. "i"' })
      .regex(FLAGS, { error: 'expected RegExp flags among d, i, m, s, u, v (g and y are not allowed)' })
      .default(''),
    /**
     * Which output to watch.
     * @default "both"
     */
    stream: z.enum(['stdout', 'stderr', 'both']).default('both'),
    /**
     * Ready at the nth matching line.
     * @default 1
     */
    count: z
      .number({ error: 'expected a whole number of matching lines >= 1' })
      .int({ error: 'expected a whole number of matching lines >= 1' })
      .min(1, { error: 'expected a whole number of matching lines >= 1' })
      .default(1),
  })
  .superRefine(
    (options, context) => {
      const problem = regexpProblem(options.pattern, options.flags);
      if (problem) context.addIssue({ code: 'custom', path: ['pattern'], input: options.pattern, message: `expected a valid regular expression (${problem})` });
    },
    // Also when other keys are wrong, so every problem is reported at once; needs pattern and flags.
    { when: ({ value }) => isRecord(value) && typeof value.pattern === 'string' && (value.flags === undefined || (typeof value.flags === 'string' && FLAGS.test(value.flags))) },
  );

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Options of the `log` strategy, defaults applied. */
export type LogOptions = z.output<typeof logOptionsSchema>;
