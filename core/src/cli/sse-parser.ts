/** One server-sent event: its `event:` name and parsed `data:`. */
export interface ServerEvent {
  event: string;
  data: unknown;
}

/**
 * Longest line kept while waiting for its end. The server's longest is a 16 KiB output line
 * JSON-escaped (under 100 KiB); past this, the line is skipped rather than grown without end.
 */
export const MAX_LINE_CHARS = 4 * 1024 * 1024;

/**
 * Incremental text/event-stream parser (the WHATWG rules the CLI needs): lines end in LF, CRLF
 * or CR; `event:` and `data:` fields; a blank line ends an event; `:` lines are comments. Chunks
 * may split a line (or a CRLF) anywhere, and one chunk may hold thousands of events: each chunk
 * is scanned once, so a 10 MB chunk costs 10 MB of work, not its square.
 */
export class SseParser {
  private partial = '';
  private skipping = false;
  private pendingCr = false;
  private event = 'message';
  private data: string[] = [];
  /** Lines longer than {@link MAX_LINE_CHARS}, skipped. */
  oversized = 0;

  constructor(private readonly emit: (event: ServerEvent) => void) {}

  /** Feed the next decoded chunk. */
  push(chunk: string): void {
    let start = 0;
    // A CR that ended the previous chunk already ended its line: an LF right after it is part of that end.
    if (this.pendingCr && chunk.startsWith('\n')) start = 1;
    this.pendingCr = false;
    for (let index = start; index < chunk.length; index += 1) {
      const code = chunk.charCodeAt(index);
      if (code !== 10 && code !== 13) continue;
      this.endLine(chunk.slice(start, index));
      if (code === 13) {
        if (index + 1 === chunk.length) this.pendingCr = true;
        else if (chunk.charCodeAt(index + 1) === 10) index += 1;
      }
      start = index + 1;
    }
    this.keep(chunk.slice(start));
  }

  private keep(rest: string): void {
    if (this.skipping || rest.length === 0) return;
    if (this.partial.length + rest.length > MAX_LINE_CHARS) {
      this.partial = '';
      this.skipping = true;
      this.oversized += 1;
      return;
    }
    this.partial += rest;
  }

  private endLine(tail: string): void {
    const skipped = this.skipping;
    const line = this.partial.length > 0 ? this.partial + tail : tail;
    this.partial = '';
    this.skipping = false;
    if (!skipped) this.line(line);
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) this.emit({ event: this.event, data: parseJson(this.data.join('\n')) });
      this.event = 'message';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
  }
}

/** `text` parsed as JSON, or the text itself when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
