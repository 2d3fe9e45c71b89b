/** Which pipe a line came from. */
export type OutputStream = 'stdout' | 'stderr';

/** One line a process printed. */
export interface LogLine {
  stream: OutputStream;
  /** The line without its newline; a line longer than the cap is split. */
  text: string;
  /** `Date.now()` when the line was read. */
  time: number;
}

/**
 * Longest line kept in one piece, in characters; a longer line is split here. A line that has
 * not ended yet is split once this many bytes are buffered (at a UTF-8 character boundary).
 */
export const MAX_LINE_LENGTH = 16 * 1024;

const NEWLINE = 0x0a;

/**
 * Splits a byte stream into lines with bounded memory: a partial line is buffered only up to
 * {@link MAX_LINE_LENGTH}, so a 10 MB line without newline never grows memory without bound.
 * Works on Buffers: the complete lines of a chunk are decoded with one call and cut with
 * `indexOf`, so the cost per line is one string slice (a newline byte never occurs inside a
 * multi-byte UTF-8 character, so cutting bytes at newlines never splits a character).
 */
export class LineSplitter {
  /** Bytes of the line not ended yet (a copy: never pins a read chunk), fewer than the cap. */
  private partial: Buffer | undefined;
  /** True right after a cap split left nothing buffered: a newline then ends that line, not an empty one. */
  private splitAtCap = false;

  constructor(private readonly onLine: (text: string) => void) {}

  /** Feed a chunk as read from the pipe. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    const first = chunk.indexOf(NEWLINE);
    if (first === -1) return this.keep(chunk);
    let start = 0;
    if (this.partial) {
      this.emitText(Buffer.concat([this.partial, chunk.subarray(0, first)]).toString('utf8'), true);
      this.partial = undefined;
      start = first + 1;
    } else if (this.splitAtCap && first === 0) {
      start = 1;
    }
    this.splitAtCap = false;
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= start) this.emitText(chunk.toString('utf8', start, last), false);
    this.keep(chunk.subarray(last + 1));
  }

  /** Flush the last line at EOF, even without a trailing newline. */
  end(): void {
    const rest = this.partial;
    this.partial = undefined;
    if (rest) this.emitText(rest.toString('utf8'), true);
  }

  /** Emit every `\n`-separated line of `text` (`single`: it is known to hold one line). */
  private emitText(text: string, single: boolean): void {
    let from = 0;
    if (!single) {
      for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', from)) {
        this.emitLine(text, from, newline);
        from = newline + 1;
      }
    }
    this.emitLine(text, from, text.length);
  }

  private emitLine(text: string, from: number, to: number): void {
    if (to > from && text.charCodeAt(to - 1) === 13) to -= 1;
    while (to - from > MAX_LINE_LENGTH) {
      this.onLine(text.slice(from, from + MAX_LINE_LENGTH));
      from += MAX_LINE_LENGTH;
    }
    this.onLine(from === 0 && to === text.length ? text : text.slice(from, to));
  }

  /** Buffer the unfinished end of a line, emitting cap-sized pieces of it. */
  private keep(rest: Buffer): void {
    if (rest.length === 0) return;
    this.splitAtCap = false;
    let data = this.partial ? Buffer.concat([this.partial, rest]) : rest;
    while (data.length >= MAX_LINE_LENGTH) {
      const cut = characterBoundary(data, MAX_LINE_LENGTH);
      this.onLine(data.toString('utf8', 0, cut));
      data = data.subarray(cut);
      this.splitAtCap = data.length === 0;
    }
    this.partial = data.length > 0 ? Buffer.from(data) : undefined;
  }
}

/** `at`, moved back (at most 3 bytes) so that it does not cut a UTF-8 character in two. */
function characterBoundary(data: Buffer, at: number): number {
  let cut = at;
  while (cut > at - 3 && (data[cut]! & 0xc0) === 0x80) cut -= 1;
  return cut;
}

/** A ring buffer of the last `capacity` lines of a process, across restarts: O(1) per line. */
export class LogBuffer {
  private readonly ring: LogLine[] = [];
  /** Where the next line goes once the ring is full (= the oldest line). */
  private next = 0;

  constructor(private readonly capacity: number) {}

  /** Append a line, dropping the oldest one when full. */
  push(line: LogLine): void {
    if (this.ring.length < this.capacity) {
      this.ring.push(line);
      return;
    }
    if (this.capacity === 0) return;
    this.ring[this.next] = line;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
  }

  /** The last `count` lines (all kept lines by default), optionally of one stream. */
  tail(count = this.capacity, stream?: OutputStream): LogLine[] {
    const ordered = this.next === 0 ? this.ring.slice() : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    const pool = stream ? ordered.filter((line) => line.stream === stream) : ordered;
    return pool.slice(Math.max(0, pool.length - count));
  }
}
