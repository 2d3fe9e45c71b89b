import { z } from 'zod';
import { parseMemorySize } from './memory-size.js';

/** Options of the `limits` stats handler (`stat_handlers: [{ name: limits, options: {...} }]`). */
export const limitsOptionsSchema = z
  .strictObject({
    /** Memory of the process tree above which it is restarted: bytes, or a size like "200MB" (K/M/G are 1024-based). */
    max_memory: z
      .union([z.number(), z.string()])
      .transform((value, context) => {
        const bytes = parseMemorySize(value);
        if (bytes === undefined) {
          context.addIssue({ code: 'custom', message: `expected a positive number of bytes or a size like "200MB", "1.5G", "512K"; got ${JSON.stringify(value)}` });
          return z.NEVER;
        }
        return bytes;
      })
      .optional(),
    /** CPU of the process tree, in percent of one core, above which it is restarted. */
    max_cpu: z.number().positive({ error: 'expected a CPU percentage > 0 (100 = one full core)' }).optional(),
    /** Consecutive samples above a limit before the restart. @default 3 */
    samples: z.number().int().min(1, { error: 'expected an integer >= 1' }).default(3),
  })
  .refine((options) => options.max_memory !== undefined || options.max_cpu !== undefined, {
    error: 'set max_memory, max_cpu or both: without a limit the handler would never act',
  });

/** Validated options of the `limits` stats handler (`max_memory` in bytes). */
export type LimitsOptions = z.output<typeof limitsOptionsSchema>;
