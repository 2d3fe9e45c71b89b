import { z } from 'zod';
import type { PluginRegistriesView } from '../plugins/contracts.js';
import { controlServerEntrySchema as entryShape } from './control-servers.js';
import { manifestSchema } from './schema.js';
import { SIGNAL_NAMES } from './values.js';

type JsonSchema = Record<string, any>;

function toJson(schema: z.ZodType): JsonSchema {
  return withoutOwnFormats(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
}

/** The formats JSON Schema 2020-12 defines; validators in strict mode (Ajv) reject any other. */
const STANDARD_FORMATS = new Set([
  'date-time', 'date', 'time', 'duration', 'email', 'idn-email', 'hostname', 'idn-hostname', 'ipv4', 'ipv6',
  'uri', 'uri-reference', 'iri', 'iri-reference', 'uuid', 'uri-template', 'json-pointer', 'relative-json-pointer', 'regex',
]);

/**
 * zod names some checks as formats of its own (`startsWith` gives `format: "starts_with"` next
 * to the `pattern` that says the same): drop those, keep the pattern, so strict validators and
 * editors accept the schema.
 */
function withoutOwnFormats(node: JsonSchema): JsonSchema {
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null) continue;
    const record = value as Record<string, unknown>;
    if (typeof record.format === 'string' && !STANDARD_FORMATS.has(record.format)) delete record.format;
    stack.push(...Object.values(record));
  }
  return node;
}

/**
 * The manifest's JSON Schema (draft 2020-12), generated from the zod schema. With `registries`,
 * names of loaded plugins become the allowed values and each readiness strategy's options schema
 * applies to `ready_params` when `ready_strategy` names it, so editors can validate and complete.
 */
export function manifestJsonSchema(registries?: PluginRegistriesView): JsonSchema {
  const schema = toJson(manifestSchema);
  schema.title = 'ProcessPilot manifest';
  // The signal check is a refinement, which JSON Schema cannot express: the names are listed instead.
  schema.properties.processes.items.properties.stop_signal.enum = [...SIGNAL_NAMES];
  schema.properties.control_server = controlServerJson(toJson(entryShape));
  if (!registries) return schema;
  const process = schema.properties.processes.items as JsonSchema;
  const strategies = registries.readiness.names();
  if (strategies.length > 0) {
    process.properties.ready_strategy = { anyOf: [{ enum: strategies }, { type: 'null' }], description: 'a readiness strategy of a loaded plugin' };
    process.allOf = strategies.flatMap((name) => {
      const options = registries.readiness.get(name)?.options;
      return options ? [{ if: { properties: { ready_strategy: { const: name } }, required: ['ready_strategy'] }, then: { properties: { ready_params: stripMeta(toJson(options)) } } }] : [];
    });
  }
  if (registries.statsHandlers.names().length > 0) process.properties.stat_handlers = { type: 'array', items: named(registries.statsHandlers) };
  if (registries.lifecycleHooks.names().length > 0) process.properties.lifecycle_hooks = { type: 'array', items: named(registries.lifecycleHooks) };
  process.properties.executor = named(registries.executors);
  if (registries.controlServers.names().length > 0) schema.properties.control_server = controlServerJson(named(registries.controlServers));
  return schema;
}

/** A name of `registry`, or `{ name, options }` with that entry's own options schema (an object when it has none). */
function named(registry: { names(): string[]; get(name: string): object | undefined }): JsonSchema {
  const names = registry.names();
  const withOptions = names.map((name) => {
    const options = (registry.get(name) as { options?: z.ZodType } | undefined)?.options; // lifecycle hook groups have none
    return { type: 'object', properties: { name: { const: name }, options: options ? stripMeta(toJson(options)) : { type: 'object' } }, required: ['name'] };
  });
  return { anyOf: [{ enum: names }, ...withOptions] };
}

/** `control_server`: one entry, a list of entries (each name once), or null. */
function controlServerJson(entry: JsonSchema): JsonSchema {
  return { description: manifestSchema.shape.control_server.description, anyOf: [stripMeta(entry), { type: 'array', items: stripMeta(entry) }, { type: 'null' }] };
}

function stripMeta(schema: JsonSchema): JsonSchema {
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}
