import { z } from 'zod';

/** A plugin-provided name with its options (the shape of schema.ts's NamedReference, kept here so the two files do not import each other). */
type NamedReference = { name: string; options: Record<string, unknown> };

/** A name or `{ name, options }`, as written in the manifest. */
type EntryInput = string | { name: string; options?: Record<string, unknown> };

/** `control_server` as written: one entry, a list of entries, or nothing. */
export type ControlServerInput = EntryInput | EntryInput[] | null | undefined;

/** One control server to start, with where the manifest names it (for messages and option paths). */
export interface ControlServerReference extends NamedReference {
  /** Its manifest path: `control_server` for a single entry, `control_server[1]` in a list. */
  where: string;
}

/** One entry of `control_server` (a list holds several). */
export const controlServerEntrySchema = z.union(
  [z.string().min(1), z.strictObject({ name: z.string().min(1), options: z.record(z.string(), z.unknown()).default({}) })],
  { error: 'expected a control server name (string) or { name, options }' },
);

/**
 * The `control_server` field: a name, `{ name, options }`, or a list of those (so a dashboard can
 * sit beside the HTTP API), normalised to a list with each entry's manifest path. A list is
 * checked entry by entry, so a problem reads `control_server[1]: ...`, and a name listed twice
 * is a problem (one server of a kind per pilot: a second would fight over its socket).
 */
export const controlServerSchema = z.custom<ControlServerInput>(() => true).optional().transform((value, ctx): ControlServerReference[] => {
  if (value === null || value === undefined) return [];
  const list = Array.isArray(value);
  const result = (list ? z.array(controlServerEntrySchema) : controlServerEntrySchema).safeParse(value, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) ctx.addIssue(issue as z.core.$ZodRawIssue);
    return z.NEVER;
  }
  const entries = (list ? result.data : [result.data]) as z.output<typeof controlServerEntrySchema>[];
  const refs = entries.map((entry, index) => ({
    ...(typeof entry === 'string' ? { name: entry, options: {} } : entry),
    where: list ? `control_server[${index}]` : 'control_server',
  }));
  refs.forEach((ref, index) => {
    const first = refs.findIndex((other) => other.name === ref.name);
    if (first === index) return;
    ctx.addIssue({
      code: 'custom',
      path: [index],
      input: ref.name,
      message: 'expected each control server at most once',
      params: { hint: `; ${refs[first]!.where} is "${ref.name}" too: remove one of them (give its options to the other)` },
    });
  });
  return refs;
});
