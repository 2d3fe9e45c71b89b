import { z } from 'zod';

/** The longest interval a Node timer can express, in seconds (2^31 - 1 ms). */
const MAX_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** Options of the `jsonl` stats handler (`stat_handlers: [{ name: jsonl, options: {...} }]`). */
export const jsonlOptionsSchema = z.strictObject({
  /** File to append to, relative to the manifest's base directory. @default "pilot-stats.jsonl" */
  path: z.string().min(1, { error: 'expected a file path' }).default('pilot-stats.jsonl').describe('file to append samples to (relative to the base directory)'),
  /**
   * Seconds between two reports of failing writes (a full disk): the first failure is reported at
   * once, later ones at most this often, with the number of records dropped meanwhile. @default 30
   */
  error_interval: z
    .number({ error: 'expected a number of seconds' })
    .positive({ error: 'expected a number of seconds > 0' })
    .max(MAX_SECONDS, { error: `expected at most ${MAX_SECONDS} seconds (about 24.8 days, the longest timer Node has)` })
    .default(30)
    .describe('seconds between two reports of failing writes (first failure reported at once)'),
});

/** Validated options of the `jsonl` stats handler. */
export type JsonlOptions = z.output<typeof jsonlOptionsSchema>;
