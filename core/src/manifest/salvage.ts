import type { z } from 'zod';
import { manifestSchema, processSchema } from './schema.js';

type Parsed = z.output<typeof manifestSchema>;
type ParsedProcess = Parsed['processes'][number];

/** Fields of one object that failed the schema; they hold their default (or nothing) in the salvage. */
export type InvalidFields = ReadonlySet<string>;

/** What of a manifest that failed the schema can still be checked further. */
export interface Salvage {
  /** Top-level fields that are valid (invalid ones replaced by their defaults) and the usable entries. */
  parsed: Parsed;
  /** Invalid top-level fields. */
  invalid: InvalidFields;
  /** Per entry of `parsed.processes`: its index in the manifest and its invalid fields. */
  entries: { index: number; invalid: InvalidFields }[];
}

/**
 * Field by field, keeps what passed the schema so that path, working directory, dependency and
 * plugin checks still run in the same pass as the schema's. Entries whose `name` or `path` is
 * unusable are left out; checks that depend on an invalid field are skipped by the resolver, so
 * no problem is reported as a consequence of another.
 */
export function salvage(data: Record<string, unknown>): Salvage {
  const { processes: _processes, ...topShape } = manifestSchema.shape;
  const top = parseFields(topShape, data);
  const entries: Salvage['entries'] = [];
  const processes: ParsedProcess[] = [];
  const raw = Array.isArray(data.processes) ? (data.processes as unknown[]) : [];
  raw.forEach((value, index) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    const { data: entry, invalid } = parseFields(processSchema.shape, value as Record<string, unknown>);
    if (invalid.has('name') || invalid.has('path')) return;
    // Options that are not a mapping cannot be checked; neither can the strategy they belong to.
    if (invalid.has('ready_params')) entry.ready_strategy = undefined;
    processes.push(entry as ParsedProcess);
    entries.push({ index, invalid });
  });
  return { parsed: { ...(top.data as Omit<Parsed, 'processes'>), processes }, invalid: top.invalid, entries };
}

function parseFields(shape: Record<string, z.ZodType>, value: Record<string, unknown>): { data: Record<string, unknown>; invalid: Set<string> } {
  const data: Record<string, unknown> = {};
  const invalid = new Set<string>();
  for (const [key, schema] of Object.entries(shape)) {
    const result = schema.safeParse(value[key]);
    if (result.success) {
      data[key] = result.data;
      continue;
    }
    invalid.add(key);
    const fallback = schema.safeParse(undefined);
    if (fallback.success) data[key] = fallback.data;
  }
  return { data, invalid };
}
