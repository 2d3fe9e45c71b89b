import { countLines } from './line-scan.js';
import { MAX_LINE_LENGTH } from './output-limits.js';

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
  /** How many lines (`lines.length`, known without decoding them). */
  readonly count: number;
  /**
   * The lines exactly as read, each ending in `\n`, when the batch is one run of complete lines of
   * a chunk none of which needed splitting: a sink may copy these bytes instead of the strings.
   */
  readonly bytes?: Uint8Array;
}

/**
 * The complete lines of one chunk, kept as bytes: decoded into strings only when someone reads
 * `lines` (the log tail when asked, a readiness listener, a per-line hook), once.
 */
class ChunkLines implements LineBatch {
  private decoded: readonly string[] | undefined;

  constructor(
    readonly stream: OutputStream,
    readonly time: number,
    readonly bytes: Uint8Array,
    readonly count: number,
  ) {}

  get lines(): readonly string[] {
    this.decoded ??= splitText(Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length - 1).toString('utf8'));
    return this.decoded;
  }
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
  return Object.assign((line: LogLine) => onBatch(batchOf(line.stream, line.time, [line.text])), { batch: onBatch });
}

/** A batch of lines already decoded. */
export function batchOf(stream: OutputStream, time: number, lines: readonly string[]): LineBatch {
  return { stream, time, lines, count: lines.length };
}

/** Deliver `batch` to `sink`: in one call where it takes batches, line by line otherwise. */
export function deliver(sink: LineSink, batch: LineBatch): void {
  if (sink.batch) return sink.batch(batch);
  for (const text of batch.lines) sink({ stream: batch.stream, text, time: batch.time });
}

export { MAX_LINE_LENGTH };

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 13;

/**
 * Splits a byte stream into lines with bounded memory: a partial line is buffered only up to
 * {@link MAX_LINE_LENGTH}, so a 10 MB line without newline never grows memory without bound.
 * Works on Buffers: the complete lines of a chunk are decoded with one call and cut with one
 * native `split` (a newline byte never occurs inside a multi-byte UTF-8 character, so cutting
 * bytes at newlines never splits a character). The lines of a chunk go out in batches: the run
 * of complete lines as undecoded bytes with its line count (one SIMD scan), the line completed
 * from the previous chunk and cap-split pieces as strings.
 */
export class LineSplitter {
  /** Bytes of the line not ended yet (a copy: never pins a read chunk), fewer than the cap. */
  private partial: Buffer | undefined;
  /** True right after a cap split left nothing buffered: a newline then ends that line, not an empty one. */
  private splitAtCap = false;
  /** Decoded lines of the chunk being pushed, not yet emitted. */
  private lines: string[] = [];
  /** `Date.now()` of the chunk being pushed. */
  private time = 0;

  constructor(
    private readonly stream: OutputStream,
    private readonly onBatch: (batch: LineBatch) => void,
  ) {}

  /** Feed a chunk as read from the pipe; its complete lines go out in one call. */
  push(chunk: Buffer, time = Date.now()): void {
    if (chunk.length === 0) return;
    this.time = time;
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
    if (last >= start) this.addRun(chunk, start, last);
    this.keep(chunk.subarray(last + 1));
    this.emit();
  }

  /** Flush the last line at EOF, even without a trailing newline. */
  end(time = Date.now()): void {
    this.time = time;
    const rest = this.partial;
    this.partial = undefined;
    if (rest) this.addLine(rest.toString('utf8'));
    this.emit();
  }

  /** Emit the decoded lines gathered so far as one batch. */
  private emit(): void {
    if (this.lines.length === 0) return;
    const lines = this.lines;
    this.lines = [];
    this.onBatch(batchOf(this.stream, this.time, lines));
  }

  /** The complete lines `chunk[start..last]` (`last` is a newline): kept as bytes when no line needs the cap. */
  private addRun(chunk: Buffer, start: number, last: number): void {
    const bytes = chunk.subarray(start, last + 1);
    const count = countLines(bytes);
    if (count < 0) {
      for (const line of splitText(chunk.toString('utf8', start, last))) this.lines.push(line);
      return;
    }
    this.emit();
    this.onBatch(new ChunkLines(this.stream, this.time, bytes, count));
  }

  private addLine(text: string): void {
    for (const line of splitText(text, true)) this.lines.push(line);
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

/**
 * The lines of `text` (`single`: it is one line): split at `\n` with one native split, each
 * without a trailing carriage return and cut at the cap; the fix-ups only where needed.
 */
function splitText(text: string, single = false): string[] {
  const pieces = single ? [text] : text.split('\n');
  let clean = true;
  for (const piece of pieces) {
    if (piece.length > MAX_LINE_LENGTH || piece.charCodeAt(piece.length - 1) === CARRIAGE_RETURN) clean = false;
  }
  if (clean) return pieces;
  const lines: string[] = [];
  for (const piece of pieces) {
    let to = piece.length;
    if (to > 0 && piece.charCodeAt(to - 1) === CARRIAGE_RETURN) to -= 1;
    let from = 0;
    while (to - from > MAX_LINE_LENGTH) {
      lines.push(piece.slice(from, from + MAX_LINE_LENGTH));
      from += MAX_LINE_LENGTH;
    }
    lines.push(from === 0 && to === piece.length ? piece : piece.slice(from, to));
  }
  return lines;
}

/** `at`, moved back (at most 3 bytes) so that it does not cut a UTF-8 character in two. */
function characterBoundary(data: Buffer, at: number): number {
  let cut = at;
  while (cut > at - 3 && (data[cut]! & 0xc0) === 0x80) cut -= 1;
  return cut;
}

