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
 * The lines of one read chunk of one stream, in order: what the engine, the `outputBatch` hook
 * and `pilot run` handle in one call, instead of one call and one object per line.
 */
export interface LineBatch {
  readonly stream: OutputStream;
  /** `Date.now()` when the chunk was read (one timestamp for all its lines). */
  readonly time: number;
  /** Each line without its newline (a carriage return before it removed), split at the cap. */
  readonly lines: readonly string[];
}

/**
 * What an executor reports output to: a function taking one line (the {@link Executor} contract),
 * which may also take a whole chunk's lines at once through `batch`. The local executor calls
 * `batch` when it is there; an executor that only knows lines keeps working.
 */
export interface LineSink {
  (line: LogLine): void;
  batch?: (batch: LineBatch) => void;
}

/** A {@link LineSink} whose lines go to `onBatch` (a single line as a batch of one). */
export function lineSink(onBatch: (batch: LineBatch) => void): LineSink {
  return Object.assign((line: LogLine) => onBatch({ stream: line.stream, time: line.time, lines: [line.text] }), { batch: onBatch });
}

/** Deliver `batch` to `sink`: in one call where it takes batches, line by line otherwise. */
export function deliver(sink: LineSink, batch: LineBatch): void {
  if (sink.batch) return sink.batch(batch);
  for (const text of batch.lines) sink({ stream: batch.stream, text, time: batch.time });
}

/**
 * Longest line kept in one piece, in characters; a longer line is split here. A line that has
 * not ended yet is split once this many bytes are buffered (at a UTF-8 character boundary).
 */
export const MAX_LINE_LENGTH = 16 * 1024;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 13;

/**
 * Splits a byte stream into lines with bounded memory: a partial line is buffered only up to
 * {@link MAX_LINE_LENGTH}, so a 10 MB line without newline never grows memory without bound.
 * Works on Buffers: the complete lines of a chunk are decoded with one call and cut with one
 * native `split` (a newline byte never occurs inside a multi-byte UTF-8 character, so cutting
 * bytes at newlines never splits a character). The lines of each chunk go out as one array.
 */
export class LineSplitter {
  /** Bytes of the line not ended yet (a copy: never pins a read chunk), fewer than the cap. */
  private partial: Buffer | undefined;
  /** True right after a cap split left nothing buffered: a newline then ends that line, not an empty one. */
  private splitAtCap = false;
  /** Lines of the chunk being pushed. */
  private lines: string[] = [];

  constructor(private readonly onLines: (lines: string[]) => void) {}

  /** Feed a chunk as read from the pipe; its complete lines go out in one call. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    const first = chunk.indexOf(NEWLINE);
    if (first === -1) {
      this.keep(chunk);
      return this.emit();
    }
    let start = 0;
    if (this.partial) {
      this.addLine(Buffer.concat([this.partial, chunk.subarray(0, first)]).toString('utf8'));
      this.partial = undefined;
      start = first + 1;
    } else if (this.splitAtCap && first === 0) {
      start = 1;
    }
    this.splitAtCap = false;
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= start) this.addLines(chunk.toString('utf8', start, last));
    this.keep(chunk.subarray(last + 1));
    this.emit();
  }

  /** Flush the last line at EOF, even without a trailing newline. */
  end(): void {
    const rest = this.partial;
    this.partial = undefined;
    if (rest) this.addLine(rest.toString('utf8'));
    this.emit();
  }

  private emit(): void {
    if (this.lines.length === 0) return;
    const lines = this.lines;
    this.lines = [];
    this.onLines(lines);
  }

  /** Add every `\n`-separated line of `text`: one native split, then a fix-up only where needed. */
  private addLines(text: string): void {
    const pieces = text.split('\n');
    let clean = true;
    for (const piece of pieces) {
      if (piece.length > MAX_LINE_LENGTH || piece.charCodeAt(piece.length - 1) === CARRIAGE_RETURN) clean = false;
    }
    if (clean) {
      this.lines = this.lines.length === 0 ? pieces : this.lines.concat(pieces);
      return;
    }
    for (const piece of pieces) this.addLine(piece);
  }

  /** Add one line: without a trailing carriage return, split at the cap. */
  private addLine(text: string): void {
    let to = text.length;
    if (to > 0 && text.charCodeAt(to - 1) === CARRIAGE_RETURN) to -= 1;
    let from = 0;
    while (to - from > MAX_LINE_LENGTH) {
      this.lines.push(text.slice(from, from + MAX_LINE_LENGTH));
      from += MAX_LINE_LENGTH;
    }
    this.lines.push(from === 0 && to === text.length ? text : text.slice(from, to));
  }

  /** Buffer the unfinished end of a line, emitting cap-sized pieces of it. */
  private keep(rest: Buffer): void {
    if (rest.length === 0) return;
    this.splitAtCap = false;
    let data = this.partial ? Buffer.concat([this.partial, rest]) : rest;
    while (data.length >= MAX_LINE_LENGTH) {
      const cut = characterBoundary(data, MAX_LINE_LENGTH);
      this.lines.push(data.toString('utf8', 0, cut));
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

export { LogBuffer } from './log-buffer.js';
