/** A stream `pilot run` writes to: a terminal, a file or a pipe (process.stdout or stderr). */
export interface WritableTarget {
  write(text: string | Uint8Array): boolean;
  /** 'drain' after write() returned false (net.Socket, tty.WriteStream). */
  once?(event: 'drain', listener: () => void): unknown;
}

/** Text queued while the target is blocked, beyond which whole lines are dropped and counted. */
export const QUEUE_LIMIT_BYTES = 1024 * 1024;

/**
 * Whole lines on their way to one output stream, batched and bounded. Lines written in one turn
 * of the event loop (all the lines of one read chunk) go out as one write. When the target stops
 * taking data (a pipe or FIFO whose reader stopped reading), at most {@link QUEUE_LIMIT_BYTES}
 * wait for 'drain'; later lines are dropped and counted, and once the target drains the queue
 * is written, then `notice(dropped)`. Children are never slowed down by a stalled reader, and
 * the pilot's memory stays bounded.
 */
export class OutputQueue {
  /** Queued strings (joined at the flush), while no bytes were queued. */
  private batch: string[] = [];
  /** Once bytes are queued: everything queued, copied in as it comes (one buffer per flush). */
  private pending: Buffer | undefined;
  private pendingLength = 0;
  private bytes = 0;
  private scheduled = false;
  private blocked = false;
  private dropped = 0;

  constructor(
    private readonly target: WritableTarget,
    /** The line to print after `count` lines were dropped. */
    private readonly notice: (count: number) => string,
    private readonly limit = QUEUE_LIMIT_BYTES,
  ) {}

  /**
   * Queue `text` (a string, or UTF-8 bytes that are copied at once, so the caller may reuse
   * them): one or more whole lines, each ending in `\n`.
   */
  write(text: string | Uint8Array): void {
    if (this.blocked && this.bytes >= this.limit) {
      this.dropped += countLines(text);
      return;
    }
    if (typeof text === 'string' && !this.pending) this.batch.push(text);
    else this.copyIn(text);
    this.bytes += text.length;
    if (!this.scheduled && !this.blocked) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Write what is queued now (at the end of a run). Lines still blocked are left to the target. */
  flush(): void {
    this.scheduled = false;
    if (this.blocked || (this.batch.length === 0 && !this.pending)) return;
    const text = this.pending ? this.pending.subarray(0, this.pendingLength) : this.batch.length === 1 ? this.batch[0]! : this.batch.join('');
    this.batch = [];
    this.pending = undefined;
    this.pendingLength = 0;
    this.bytes = 0;
    if (this.target.write(text) || !this.target.once) return;
    this.blocked = true;
    this.target.once('drain', () => this.drained());
  }

  /** Lines dropped since the last notice. */
  get droppedLines(): number {
    return this.dropped;
  }

  /** Append `piece` to the pending bytes (queued strings first), growing the buffer when needed. */
  private copyIn(piece: string | Uint8Array): void {
    const strings = this.pending ? [] : this.batch;
    this.batch = [];
    const needed = this.pendingLength + Buffer.byteLength(piece) + strings.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    if (!this.pending || needed > this.pending.length) {
      // A fresh buffer per flush: the target may still hold the one written before.
      const grown = Buffer.allocUnsafe(Math.max(needed * 2, 128 * 1024));
      if (this.pending) this.pending.copy(grown, 0, 0, this.pendingLength);
      this.pending = grown;
    }
    for (const text of [...strings, piece]) {
      if (typeof text === 'string') this.pendingLength += this.pending.write(text, this.pendingLength);
      else {
        this.pending.set(text, this.pendingLength);
        this.pendingLength += text.length;
      }
    }
  }

  private drained(): void {
    this.blocked = false;
    if (this.dropped > 0) {
      const notice = this.notice(this.dropped);
      if (this.pending) this.copyIn(notice);
      else this.batch.push(notice);
      this.dropped = 0;
    }
    this.flush();
  }
}

function countLines(text: string | Uint8Array): number {
  const newline = typeof text === 'string' ? '\n' : 0x0a;
  let count = 0;
  for (let at = text.indexOf(newline as never); at !== -1; at = text.indexOf(newline as never, at + 1)) count += 1;
  return count;
}
