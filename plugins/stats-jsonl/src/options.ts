import { z } from 'zod';

/** Options of the `jsonl` stats handler (`stat_handlers: [{ name: jsonl, options: {...} }]`). */
export const jsonlOptionsSchema = z.strictObject({
  /** File to append to, relative to the manifest's base directory. @default "pilot-stats.jsonl" */
  path: z.string().min(1, { error: 'expected a file path' }).default('pilot-stats.jsonl').describe('file to append samples to (relative to the base directory)'),
});

/** Validated options of the `jsonl` stats handler. */
export type JsonlOptions = z.output<typeof jsonlOptionsSchema>;
