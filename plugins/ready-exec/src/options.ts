import { z } from 'zod';

/** Environment variable names accepted in `env`, as in a process's own `env`. */
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

const milliseconds = (what: string, minimum: number) =>
  z
    .number({ error: `expected ${what} in milliseconds (an integer >= ${minimum})` })
    .int({ error: `expected ${what} in milliseconds (an integer >= ${minimum})` })
    .min(minimum, { error: `expected ${what} in milliseconds (an integer >= ${minimum})` });

/** `ready_params` of the `exec` strategy. */
export const execOptionsSchema = z.strictObject({
  /** The probe as an argv array: executable (PATH is searched) and its arguments; no shell. */
  command: z
    .array(z.string({ error: 'expected each argument as a string (quote numbers: "5432")' }), {
      error: 'expected the probe command as an argv array, e.g. [pg_isready, -h, localhost]',
    })
    .min(1, { error: 'expected the probe command as a non-empty argv array, e.g. [pg_isready, -h, localhost]' })
    .refine((argv) => argv[0] !== '', { error: 'expected the probe executable as a non-empty first element' }),
  /** Working directory of the probe, relative to the manifest's directory. @default the manifest's directory */
  cwd: z.string({ error: 'expected a directory path' }).min(1, { error: 'expected a non-empty directory path' }).optional(),
  /** Variables added to the pilot's environment for the probe. */
  env: z
    .record(
      z.string().regex(ENV_KEY, { error: 'expected an environment variable name matching ^[A-Za-z_][A-Za-z0-9_]*$' }),
      z.string({ error: 'expected a string value (quote numbers: "8080")' }),
      { error: 'expected a mapping of environment variable names to strings' },
    )
    .default({}),
  /** How long one probe may run before its process group is killed. @default 1000 */
  timeout_ms: milliseconds('the per-probe timeout', 1).default(1000),
  /** Pause between the end of one probe and the start of the next. @default 100 */
  interval_ms: milliseconds('the pause between probes', 0).default(100),
});

/** Options of the `exec` strategy, defaults applied. */
export type ExecOptions = z.output<typeof execOptionsSchema>;
