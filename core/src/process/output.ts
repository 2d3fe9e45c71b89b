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

/** Longest line kept in one piece; a longer line (or one that never ends) is split here. */
export const MAX_LINE_LENGTH = 16 * 1024;

/**
 * Splits a byte stream into lines with bounded memory: a partial line is buffered only up to
 * {@link MAX_LINE_LENGTH}, so a 10 MB line without newline never grows memory without bound.
 */
export class LineSplitter {
  private partial = '';
  /** True right after a cap split left nothing buffered: a newline then ends that line, not an empty one. */
  private splitAtCap = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  constructor(private readonly onLine: (text: string) => void) {}

  /** Feed a chunk as read from the pipe. */
  push(chunk: Buffer): void {
    let text = this.partial + this.decoder.decode(chunk, { stream: true });
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      if (newline > 0 || !this.splitAtCap) this.emit(text.slice(0, newline));
      this.splitAtCap = false;
      text = text.slice(newline + 1);
      newline = text.indexOf('\n');
    }
    while (text.length >= MAX_LINE_LENGTH) {
      this.onLine(text.slice(0, MAX_LINE_LENGTH));
      text = text.slice(MAX_LINE_LENGTH);
      this.splitAtCap = text.length === 0;
    }
    this.partial = text;
  }

  /** Flush the last line at EOF, even without a trailing newline. */
  end(): void {
    const rest = this.partial + this.decoder.decode();
    this.partial = '';
    if (rest.length > 0) this.emit(rest);
  }

  private emit(line: string): void {
    let rest = line.endsWith('\r') ? line.slice(0, -1) : line;
    while (rest.length > MAX_LINE_LENGTH) {
      this.onLine(rest.slice(0, MAX_LINE_LENGTH));
      rest = rest.slice(MAX_LINE_LENGTH);
    }
    this.onLine(rest);
  }
}

/** A ring buffer of the last `capacity` lines of a process, across restarts. */
export class LogBuffer {
  private readonly lines: LogLine[] = [];

  constructor(private readonly capacity: number) {}

  /** Append a line, dropping the oldest one when full. */
  push(line: LogLine): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.shift();
  }

  /** The last `count` lines (all kept lines by default), optionally of one stream. */
  tail(count = this.capacity, stream?: OutputStream): LogLine[] {
    const pool = stream ? this.lines.filter((line) => line.stream === stream) : this.lines;
    return pool.slice(Math.max(0, pool.length - count));
  }
}
