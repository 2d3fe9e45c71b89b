import { z } from 'zod';

/** An inclusive range of accepted status codes, `[min, max]`. */
export type StatusRange = readonly [min: number, max: number];

/** `status` as written: one code, a `[min, max]` range, or a list of codes and ranges. */
export type StatusInput = number | readonly [number, number] | readonly (number | readonly [number, number])[];

const STATUS_MESSAGE =
  'expected an HTTP status code 100-599, a [min, max] range with min <= max such as [200, 299], or a list of codes and ranges such as [200, [300, 399]]';

const CODE_JSON = { type: 'integer', minimum: 100, maximum: 599 };

const isCode = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599;
const isRange = (value: unknown): value is readonly [number, number] =>
  Array.isArray(value) && value.length === 2 && isCode(value[0]) && isCode(value[1]) && value[0] <= value[1];

/** True when `value` is a valid {@link StatusInput}. */
export function isStatusInput(value: unknown): value is StatusInput {
  if (isCode(value) || isRange(value)) return true;
  // A flat pair is a range, so [300, 200] is a reversed range, not a list of two codes.
  if (Array.isArray(value) && value.length === 2 && value.every((entry) => typeof entry === 'number')) return false;
  return Array.isArray(value) && value.length > 0 && value.every((entry) => isCode(entry) || isRange(entry));
}

/**
 * The ranges `status` stands for. A flat pair of codes is always a range (`[200, 299]`), as the
 * README documents; any other array is a list of codes and ranges.
 */
export function statusRanges(input: StatusInput): StatusRange[] {
  if (typeof input === 'number') return [[input, input]];
  if (isRange(input)) return [[input[0], input[1]]];
  return (input as readonly (number | readonly [number, number])[]).map((entry) => (typeof entry === 'number' ? [entry, entry] : [entry[0], entry[1]]));
}

/** True when `status` falls in one of `ranges`. */
export function acceptsStatus(ranges: readonly StatusRange[], status: number): boolean {
  return ranges.some(([min, max]) => status >= min && status <= max);
}

/** The accepted ranges as text for messages: `200-299, 304`. */
export function describeRanges(ranges: readonly StatusRange[]): string {
  return ranges.map(([min, max]) => (min === max ? String(min) : `${min}-${max}`)).join(', ');
}

/**
 * zod schema of `status`, normalised to ranges. A custom check rather than a union: a union's
 * error would not say which forms are accepted.
 * @default [[200, 399]]
 */
export const statusSchema = z
  .custom<StatusInput>(isStatusInput, { error: STATUS_MESSAGE })
  .transform(statusRanges)
  .default([[200, 399]])
  // A custom check has no JSON Schema of its own: describe the accepted forms for editors.
  .meta({
    description: 'accepted status codes: a code, a [min, max] range, or a list of codes and ranges',
    anyOf: [CODE_JSON, { type: 'array', prefixItems: [CODE_JSON, CODE_JSON], minItems: 2, maxItems: 2 }, { type: 'array', minItems: 1, items: { anyOf: [CODE_JSON, { type: 'array', prefixItems: [CODE_JSON, CODE_JSON], minItems: 2, maxItems: 2 }] } }],
  });
