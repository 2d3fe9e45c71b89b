/**
 * A reader for the plain subset of YAML that manifests are written in: block mappings and
 * sequences indented with spaces, one-line flow collections (`[a, b]`, `{ port: 4000 }`), plain,
 * single- and double-quoted (without escapes) scalars typed by YAML 1.2's core schema, and
 * comments. It returns `undefined` for anything else (anchors, aliases, tags, block and
 * multi-line scalars, escapes, directives, several documents, duplicate keys, any error), and
 * the caller then parses the text with the `yaml` package, which also words every error.
 *
 * Why: `yaml` builds a full concrete syntax tree through generators; cold, in a fresh process,
 * that cost ~120 ms for a 200-process manifest (24 kB), more than validating and resolving it.
 * This reader takes a few milliseconds. It is checked against `yaml` on generated manifests and
 * mutations of them (core/test/manifest/plain-yaml.test.ts): where it answers, it answers the same.
 */
export function readPlainYaml(text: string): unknown {
  const lines = splitLines(text);
  if (!lines || lines.length === 0) return undefined;
  try {
    const reader = new BlockReader(lines);
    const value = reader.node(0);
    return reader.done() ? value : undefined;
  } catch (error) {
    if (error === NOT_PLAIN) return undefined;
    throw error;
  }
}

/** Thrown inside the reader when the text leaves the subset. */
const NOT_PLAIN = Symbol('not plain YAML');
const notPlain = (): never => {
  throw NOT_PLAIN;
};

interface Line {
  indent: number;
  /** The line after its indentation, trailing spaces removed. */
  text: string;
}

/** Lines with content (comment-only and blank ones dropped); undefined for tabs, stray CRs, document markers or directives. */
function splitLines(text: string): Line[] | undefined {
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (/[\t\r\0]/.test(line) || /^(---|\.\.\.|%)/.test(line)) return undefined;
    const body = line.trimStart();
    if (body === '' || body.startsWith('#')) continue;
    lines.push({ indent: line.length - body.length, text: body.trimEnd() });
  }
  return lines;
}

/** A mapping key as people write it: plain, string-typed (or a plain decimal integer, which `yaml` turns into the same string). */
const KEY = /^([A-Za-z_][\w.\-/]*|0|[1-9][0-9]{0,14}):(?: +|$)/;
const SEQUENCE_ENTRY = /^-(?: +|$)/;
/** Deeper than this is left to yaml (raw-checks.ts refuses it anyway): no recursion without bound. */
const MAX_DEPTH = 100;
/** Characters a plain scalar may not start with (YAML indicators); `-` only when followed by a space. */
const INDICATOR = /^([?:,\[\]{}#&*!|>'"%@`]|- |-$)/;

class BlockReader {
  private at = 0;
  private depth = 0;

  constructor(private readonly lines: Line[]) {}

  done(): boolean {
    return this.at === this.lines.length;
  }

  /** The block node starting at the current line, indented more than `above` (or at it for the first). */
  node(minimum: number): unknown {
    const line = this.lines[this.at]!;
    if (line.indent < minimum || ++this.depth > MAX_DEPTH) notPlain();
    const value = SEQUENCE_ENTRY.test(line.text) ? this.sequence(line.indent) : this.mapping(line.indent);
    this.depth -= 1;
    return value;
  }

  private mapping(indent: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    while (this.at < this.lines.length) {
      const line = this.lines[this.at]!;
      if (line.indent < indent || (line.indent === indent && SEQUENCE_ENTRY.test(line.text))) break;
      const match = line.indent === indent ? KEY.exec(line.text) : null;
      if (!match) return notPlain();
      const key = keyOf(match[1]!, result);
      result[key] = this.value(line.text.slice(match[0].length), indent, true);
    }
    return result;
  }

  private sequence(indent: number): unknown[] {
    const result: unknown[] = [];
    while (this.at < this.lines.length) {
      const line = this.lines[this.at]!;
      if (line.indent < indent || (line.indent === indent && !SEQUENCE_ENTRY.test(line.text))) break;
      const match = line.indent === indent ? SEQUENCE_ENTRY.exec(line.text) : null;
      if (!match) return notPlain();
      const rest = line.text.slice(match[0].length);
      if (KEY.test(rest)) {
        // `- name: web`: a mapping whose first key sits on the entry's line, the rest below it.
        this.lines[this.at] = { indent: indent + match[0].length, text: rest };
        result.push(this.node(indent + match[0].length));
      } else result.push(this.value(rest, indent, false));
    }
    return result;
  }

  /** The value after `key:` or `-` on the current line (consumed), or the block below it. */
  private value(rest: string, indent: number, inMapping: boolean): unknown {
    this.at += 1;
    const next = this.lines[this.at];
    if (rest === '' || rest.startsWith('#')) {
      if (next && (next.indent > indent || (inMapping && next.indent === indent && SEQUENCE_ENTRY.test(next.text)))) return this.node(inMapping ? indent : indent + 1);
      return null;
    }
    // A deeper line after an inline value would continue it (a multi-line scalar): not ours.
    if (next && next.indent > indent) notPlain();
    const scanner = new InlineScanner(rest);
    const value = scanner.value(false);
    scanner.end();
    return value;
  }
}

/** One line's inline value: a scalar or a flow collection, then at most a comment. */
class InlineScanner {
  private at = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  value(inFlow: boolean): unknown {
    this.spaces();
    const char = this.text[this.at];
    if ((char === '[' || char === '{') && ++this.depth > MAX_DEPTH) notPlain();
    if (char === '[') return this.flowSequence();
    if (char === '{') return this.flowMapping();
    if (char === '"' || char === "'") return this.quoted(char);
    return this.plain(inFlow);
  }

  /** Only spaces and a comment may follow the value. */
  end(): void {
    const rest = this.text.slice(this.at);
    if (rest.trim() !== '' && !/^ +#/.test(rest)) notPlain();
  }

  private spaces(): void {
    while (this.text[this.at] === ' ') this.at += 1;
  }

  private flowSequence(): unknown[] {
    this.at += 1;
    const items: unknown[] = [];
    this.spaces();
    if (this.text[this.at] === ']') return this.close(items);
    for (;;) {
      items.push(this.value(true));
      this.spaces();
      const char = this.text[this.at];
      if (char === ']') return this.close(items);
      if (char !== ',') return notPlain();
      this.at += 1;
    }
  }

  private flowMapping(): Record<string, unknown> {
    this.at += 1;
    const result: Record<string, unknown> = {};
    this.spaces();
    if (this.text[this.at] === '}') return this.close(result);
    for (;;) {
      this.spaces();
      const match = KEY.exec(this.text.slice(this.at));
      if (!match || !match[0].endsWith(' ')) return notPlain();
      const key = keyOf(match[1]!, result);
      this.at += match[0].length;
      result[key] = this.value(true);
      this.spaces();
      const char = this.text[this.at];
      if (char === '}') return this.close(result);
      if (char !== ',') return notPlain();
      this.at += 1;
    }
  }

  private close<T>(value: T): T {
    this.at += 1;
    this.depth -= 1;
    return value;
  }

  private quoted(quote: string): string {
    let close = this.text.indexOf(quote, this.at + 1);
    // In single quotes '' is a quote character, not the end.
    while (quote === "'" && close !== -1 && this.text[close + 1] === "'") close = this.text.indexOf(quote, close + 2);
    if (close === -1) return notPlain();
    const body = this.text.slice(this.at + 1, close);
    if (quote === '"' && body.includes('\\')) notPlain();
    this.at = close + 1;
    const after = this.text[this.at];
    if (after !== undefined && after !== ' ' && after !== ',' && after !== ']' && after !== '}') notPlain();
    return quote === "'" ? body.replaceAll("''", "'") : body;
  }

  private plain(inFlow: boolean): unknown {
    const stop = inFlow ? /[,\[\]{}]| #|$/g : / #|$/g;
    stop.lastIndex = this.at;
    const end = stop.exec(this.text)!.index;
    const scalar = this.text.slice(this.at, end).trimEnd();
    if (scalar === '' || INDICATOR.test(scalar) || scalar.includes(': ') || scalar.endsWith(':') || scalar.includes(' #')) notPlain();
    this.at = end;
    return coreSchema(scalar);
  }
}

/**
 * `raw` as the key `yaml` makes of it: a string-typed scalar, or a decimal integer (whose number
 * prints back the same). Others (`null` becomes "", `TRUE` "true") and duplicates are not ours.
 */
function keyOf(raw: string, into: Record<string, unknown>): string {
  if (raw === '__proto__' || raw.length > 1000 || Object.hasOwn(into, raw)) notPlain();
  if (typeof coreSchema(raw) !== 'string' && !/^(0|[1-9][0-9]{0,14})$/.test(raw)) notPlain();
  return raw;
}

/** A plain scalar typed as YAML 1.2's core schema (what `yaml` does by default). */
function coreSchema(scalar: string): unknown {
  if (/^(?:~|[Nn]ull|NULL)$/.test(scalar)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(scalar)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(scalar)) return false;
  if (/^[-+]?[0-9]+$/.test(scalar)) return parseInt(scalar, 10);
  if (/^0o[0-7]+$/.test(scalar)) return parseInt(scalar.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(scalar)) return parseInt(scalar.slice(2), 16);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(scalar)) return parseFloat(scalar);
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(scalar)) return scalar.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(?:nan|NaN|NAN)$/.test(scalar)) return NaN;
  return scalar;
}
