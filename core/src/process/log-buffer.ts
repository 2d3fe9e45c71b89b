import { batchOf, type LineBatch, type LogLine, type OutputStream } from './output.js';

/**
 * The last `capacity` lines of a process, across restarts. It keeps whole batches (the lines of
 * one read chunk, undecoded) and drops the oldest batch once the newer ones hold `capacity` lines, so a line
 * costs no object until someone asks for the tail: O(1) per batch, memory bounded by `capacity`
 * lines plus one batch.
 */
export class LogBuffer {
  private batches: LineBatch[] = [];
  /** Index of the oldest batch still kept (dropped ones are cut off in bulk). */
  private head = 0;
  /** Lines in the kept batches. */
  private count = 0;

  constructor(private readonly capacity: number) {}

  /** Append one line. */
  push(line: LogLine): void {
    this.pushBatch(batchOf(line.stream, line.time, [line.text]));
  }

  /** Append the lines of one chunk, dropping the oldest batches no longer needed. */
  pushBatch(batch: LineBatch): void {
    if (this.capacity === 0 || batch.count === 0) return;
    this.batches.push(batch);
    this.count += batch.count;
    while (this.count - this.batches[this.head]!.count >= this.capacity) {
      this.count -= this.batches[this.head]!.count;
      this.head += 1;
    }
    // Cut dropped batches off now and then: amortised O(1), and the array never grows unbounded.
    if (this.head >= 64 && this.head * 2 >= this.batches.length) {
      this.batches = this.batches.slice(this.head);
      this.head = 0;
    }
  }

  /** The last `count` lines (all kept lines by default), optionally of one stream, oldest first. */
  tail(count = this.capacity, stream?: OutputStream): LogLine[] {
    const wanted = Math.min(count, this.capacity);
    const found: LogLine[] = [];
    for (let index = this.batches.length - 1; index >= this.head && found.length < wanted; index -= 1) {
      const batch = this.batches[index]!;
      if (stream && batch.stream !== stream) continue;
      // Only the newest `capacity` lines count, even when the oldest batch holds more.
      const skip = index === this.head ? Math.max(0, this.count - this.capacity) : 0;
      const { lines } = batch;
      for (let line = lines.length - 1; line >= skip && found.length < wanted; line -= 1) {
        found.push({ stream: batch.stream, text: lines[line]!, time: batch.time });
      }
    }
    return found.reverse();
  }
}
