/** Longest partial line kept while waiting for its newline; a longer line cannot be the token. */
export const MAX_LINE_LENGTH = 1024;

/**
 * Finds a complete line equal to a token (`ready`) in a byte stream, however the writes split
 * it: `rea` + `dy\n` counts. Surrounding whitespace (and a `\r`) is ignored; any other line is
 * skipped. Memory stays bounded: an overlong line is dropped up to its newline.
 */
export class ReadyLineScanner {
  private partial = '';
  private skipping = false;

  constructor(readonly token = 'ready') {}

  /** Feed the next bytes; true once a complete token line has been seen. */
  push(chunk: Buffer | string): boolean {
    // latin1 maps every byte to one character: no decoder state, and ASCII compares exactly.
    const lines = (this.partial + (typeof chunk === 'string' ? chunk : chunk.toString('latin1'))).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      const skipped = this.skipping;
      this.skipping = false;
      if (!skipped && line.trim() === this.token) return true;
    }
    if (this.partial.length > MAX_LINE_LENGTH) {
      this.partial = '';
      this.skipping = true;
    }
    return false;
  }

  /** Forget a partial line (the FIFO was replaced: its stream starts anew). */
  reset(): void {
    this.partial = '';
    this.skipping = false;
  }
}
