import { expect, test } from '@jest/globals';
import { LineSplitter, MAX_LINE_LENGTH, batchOf, type LineBatch, type LogLine } from '../../src/process/output.js';
import { LogBuffer } from '../../src/process/log-buffer.js';
import { countLines, prefixLines, simdAvailable } from '../../src/process/line-scan.js';

/** A deterministic pseudo-random source (xorshift), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = Math.imul(seed, 0x9e3779b1) | 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  // Small seeds start with small numbers: skip those.
  for (let warm = 0; warm < 16; warm += 1) next();
  return next;
}

/** Bytes with newlines, CRLF, control bytes, multi-byte UTF-8 and the odd line past the cap. */
function output(next: () => number, lines: number): Buffer {
  const parts: Buffer[] = [];
  for (let index = 0; index < lines; index += 1) {
    const kind = next();
    if (kind < 0.02) parts.push(Buffer.alloc(MAX_LINE_LENGTH + Math.floor(next() * 3000), 'y'));
    else if (kind < 0.1) parts.push(Buffer.from(`é€ line ${index}\r`));
    else if (kind < 0.15) parts.push(Buffer.from(`\x1b[31mred ${index}\x1b[0m \u0085`));
    else parts.push(Buffer.from(`line ${index} ${'x'.repeat(Math.floor(next() * 200))}`));
    parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

/** What the splitter must produce: split at \n, CR dropped, cut at the cap (in characters). */
function expected(bytes: Buffer): string[] {
  const pieces = bytes.toString('utf8').split('\n');
  const last = pieces.pop()!;
  if (last !== '') pieces.push(last);
  return pieces.flatMap((piece) => {
    const line = piece.endsWith('\r') ? piece.slice(0, -1) : piece;
    const cut: string[] = [];
    for (let from = 0; from === 0 || from < line.length; from += MAX_LINE_LENGTH) cut.push(line.slice(from, from + MAX_LINE_LENGTH));
    return cut;
  });
}

/** Feed `bytes` in random chunk sizes; every batch as delivered. */
function split(bytes: Buffer, next: () => number): LineBatch[] {
  const batches: LineBatch[] = [];
  const splitter = new LineSplitter('stdout', (batch) => batches.push(batch));
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(next() * (next() < 0.5 ? 200 : 70_000));
    splitter.push(bytes.subarray(at, at + size));
    at += size;
  }
  splitter.end();
  return batches;
}

test('batches deliver every line in order across chunk boundaries, each batch counting its lines', () => {
  for (let seed = 1; seed <= 20; seed += 1) {
    const next = random(seed);
    const bytes = output(next, 2000);
    const batches = split(bytes, next);
    for (const batch of batches) expect(batch.count).toBe(batch.lines.length);
    expect(batches.flatMap((batch) => batch.lines)).toEqual(expected(bytes));
    // The fast form (undecoded bytes) is used for the runs of plain lines.
    expect(batches.some((batch) => batch.bytes !== undefined)).toBe(true);
  }
});

test('the last line without a newline is delivered at end', () => {
  const batches: LineBatch[] = [];
  const splitter = new LineSplitter('stderr', (batch) => batches.push(batch));
  splitter.push(Buffer.from('a\nb\nlast'));
  splitter.end();
  expect(batches.flatMap((batch) => batch.lines)).toEqual(['a', 'b', 'last']);
  expect(batches.every((batch) => batch.stream === 'stderr')).toBe(true);
});

test('the SIMD scan counts lines and copies prefixes exactly, and refuses every chunk with a control character', () => {
  expect(simdAvailable).toBe(true);
  const prefix = Buffer.from('api   | ');
  let refused = 0;
  for (let seed = 1; seed <= 300; seed += 1) {
    const next = random(seed);
    const length = Math.floor(next() * 400);
    const bytes = Buffer.alloc(length);
    for (let index = 0; index < length; index += 1) {
      const kind = next();
      bytes[index] = kind < 0.1 ? 0x0a : kind < 0.12 ? Math.floor(next() * 256) : 0x20 + Math.floor(next() * 0x5f);
    }
    const region = bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1);
    const lines = expectedLines(region);
    expect(countLines(region)).toBe(lines.length);
    const control = region.some((byte) => (byte < 0x20 && byte !== 0x09 && byte !== 0x0a) || byte === 0x7f || byte === 0xc2);
    const copied = prefixLines(region, prefix, lines.length);
    if (control) refused += 1;
    if (control) expect(copied).toBeUndefined();
    else expect(Buffer.from(copied!)).toEqual(Buffer.concat(lines.flatMap((line) => [prefix, line])));
  }
  // Both kinds of chunk were tried.
  expect(refused).toBeGreaterThan(30);
  expect(refused).toBeLessThan(270);
  const long = Buffer.concat([Buffer.alloc(MAX_LINE_LENGTH + 1, 'y'), Buffer.from('\n')]);
  expect(countLines(long)).toBe(-1);
  expect(prefixLines(long, prefix, 1)).toBeUndefined();
});

/** Each line of `region` with its newline. */
function expectedLines(region: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  for (let start = 0, at = region.indexOf(0x0a); at !== -1; start = at + 1, at = region.indexOf(0x0a, start)) lines.push(region.subarray(start, at + 1));
  return lines;
}

test('the log tail keeps exactly the last lines of batches, filtered by stream, like a plain ring', () => {
  for (let seed = 1; seed <= 50; seed += 1) {
    const next = random(seed);
    const capacity = 1 + Math.floor(next() * 50);
    const buffer = new LogBuffer(capacity);
    const all: LogLine[] = [];
    for (let round = 0; round < 200; round += 1) {
      const stream = next() < 0.5 ? 'stdout' : 'stderr';
      const lines = Array.from({ length: Math.floor(next() * 30) }, (_, index) => `${round}.${index}`);
      buffer.pushBatch(batchOf(stream, round, lines));
      all.push(...lines.map((text) => ({ stream, text, time: round }) as LogLine));
    }
    const kept = all.slice(-capacity);
    const count = Math.floor(next() * (capacity + 5));
    expect(buffer.tail()).toEqual(kept);
    expect(buffer.tail(count)).toEqual(kept.slice(Math.max(0, kept.length - count)));
    const errors = kept.filter((line) => line.stream === 'stderr');
    expect(buffer.tail(count, 'stderr')).toEqual(errors.slice(Math.max(0, errors.length - count)));
  }
});
