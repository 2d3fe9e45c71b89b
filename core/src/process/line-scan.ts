/**
 * Byte scans of output chunks, 16 bytes at a time (WebAssembly SIMD), for the hot path of output:
 * counting the lines of a chunk (so the log tail can keep it undecoded) and copying a chunk with a
 * prefix before each line (`pilot run`), which refuses, for the caller's slow path, any chunk with
 * a control character. A regular expression or a JavaScript loop costs 0.7-2 ns per byte; this
 * costs about 0.05. Where WebAssembly SIMD is missing, {@link countLines} falls back to `indexOf`
 * and {@link prefixLines} answers `undefined` (callers then take their line-by-line path).
 *
 * The module, as text (one function; `write` 0 counts, 1 copies with `prefix`):
 * ```
 * (func (param $p $n $pre $preLen $out $write i32) (result i32)
 *   for each 16-byte block at $i:  $nl = bitmask(v == '\n')
 *     if $write: $sp = bitmask((v < 0x20 and v != '\t' and v != '\n') or v == 0x7f or v == 0xc2); any -> return -1
 *     (bits past $n are cleared in the last block)
 *     for each set bit of $nl (ctz): a line of $len bytes; $len > MAX -> return -1
 *       if $write: copy $prefix, then the line and its newline, to $out
 *   return $write ? bytes written : lines counted)
 * ```
 * 0xc2 is the first byte of every C1 control (U+0080-U+009F) in UTF-8, and of a few printable
 * characters, which then merely take the slow path.
 */
import { MAX_LINE_LENGTH } from './output-limits.js';

const leb = (value: number): number[] => {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
};
const uleb = (value: number): number[] => (value < 0x80 ? [value] : [(value & 0x7f) | 0x80, ...uleb(value >>> 7)]);
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

// Locals: params 0-5 (p n pre preLen out write), then i lineStart o count nl sp pos (i32), v (v128).
const [P, N, PRE, PRE_LEN, OUT, WRITE, I, START, O, COUNT, NL, SP, POS, V] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
const get = (local: number) => [0x20, local];
const set = (local: number) => [0x21, local];
const i32 = (value: number) => [0x41, ...leb(value)];
const [ADD, SUB, AND, SHL, CTZ, GT_U, LT_U, EQZ] = [[0x6a], [0x6b], [0x71], [0x74], [0x68], [0x4b], [0x49], [0x45]];
const simd = (op: number) => [0xfd, ...uleb(op)];
const const16 = (byte: number) => [...simd(0x0c), ...new Array<number>(16).fill(byte)];
const [EQ8, LT8_U, ANDNOT, OR, BITMASK] = [simd(0x23), simd(0x26), simd(0x4f), simd(0x50), simd(0x64)];
const vEq = (byte: number) => [...get(V), ...const16(byte), ...EQ8];
const [BLOCK, LOOP, IF, END, BR, BR_IF, RETURN] = [[0x02, 0x40], [0x03, 0x40], [0x04, 0x40], [0x0b], [0x0c], [0x0d], [0x0f]];
const MEMORY_COPY = [0xfc, 0x0a, 0x00, 0x00];
const copy = (to: number[], from: number[], length: number[]) => [...to, ...from, ...length, ...MEMORY_COPY];

const code = [
  ...get(OUT), ...set(O),
  ...BLOCK, ...LOOP,
  ...get(I), ...get(N), ...LT_U, ...EQZ, ...BR_IF, 1,
  ...get(P), ...get(I), ...ADD, ...simd(0x00), 4, 0, ...set(V),
  ...vEq(0x0a), ...BITMASK, ...set(NL),
  ...get(WRITE), ...IF,
    ...get(V), ...const16(0x20), ...LT8_U, ...vEq(0x09), ...vEq(0x0a), ...OR, ...ANDNOT, ...vEq(0x7f), ...OR, ...vEq(0xc2), ...OR, ...BITMASK, ...set(SP),
  ...END,
  // The last block: bits past n are padding.
  ...get(N), ...get(I), ...SUB, ...i32(16), ...LT_U, ...IF,
    ...get(NL), ...i32(1), ...get(N), ...get(I), ...SUB, ...SHL, ...i32(1), ...SUB, ...AND, ...set(NL),
    ...get(SP), ...i32(1), ...get(N), ...get(I), ...SUB, ...SHL, ...i32(1), ...SUB, ...AND, ...set(SP),
  ...END,
  ...get(SP), ...IF, ...i32(-1), ...RETURN, ...END,
  ...BLOCK, ...LOOP,
    ...get(NL), ...EQZ, ...BR_IF, 1,
    ...get(I), ...get(NL), ...CTZ, ...ADD, ...set(POS),
    ...get(POS), ...get(START), ...SUB, ...i32(MAX_LINE_LENGTH), ...GT_U, ...IF, ...i32(-1), ...RETURN, ...END,
    ...get(WRITE), ...IF,
      ...copy(get(O), get(PRE), get(PRE_LEN)),
      ...get(O), ...get(PRE_LEN), ...ADD, ...set(O),
      ...copy(get(O), [...get(P), ...get(START), ...ADD], [...get(POS), ...get(START), ...SUB, ...i32(1), ...ADD]),
      ...get(O), ...get(POS), ...get(START), ...SUB, ...i32(1), ...ADD, ...ADD, ...set(O),
    ...END,
    ...get(COUNT), ...i32(1), ...ADD, ...set(COUNT),
    ...get(POS), ...i32(1), ...ADD, ...set(START),
    ...get(NL), ...get(NL), ...i32(1), ...SUB, ...AND, ...set(NL),
    ...BR, 0,
  ...END, ...END,
  ...get(I), ...i32(16), ...ADD, ...set(I),
  ...BR, 0,
  ...END, ...END,
  ...get(WRITE), ...IF, ...get(O), ...get(OUT), ...SUB, ...RETURN, ...END,
  ...get(COUNT),
  ...END,
];
const body = [2, 7, 0x7f, 1, 0x7b, ...code];
const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [1, 0x60, 6, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 1, 0x7f]),
  ...section(3, [1, 0]),
  ...section(5, [1, 0, 1]),
  ...section(7, [2, 3, ...Buffer.from('run'), 0, 0, 3, ...Buffer.from('mem'), 2, 0]),
  ...section(10, [1, ...uleb(body.length), ...body]),
]);

interface Memory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface Kernel {
  run(p: number, n: number, pre: number, preLen: number, out: number, write: number): number;
  memory: Memory;
}

/** The part of the WebAssembly global used here (the DOM lib that declares it is not loaded). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

/** The compiled kernel, or undefined where WebAssembly SIMD is not available. */
const kernel: Kernel | undefined = (() => {
  try {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (!wasm || !wasm.validate(MODULE)) return undefined;
    const { exports } = new wasm.Instance(new wasm.Module(MODULE));
    return { run: exports.run as Kernel['run'], memory: exports.mem as Memory };
  } catch {
    return undefined;
  }
})();

/** True when the SIMD kernel is in use (tests check both paths). */
export const simdAvailable = kernel !== undefined;

let view = kernel ? new Uint8Array(kernel.memory.buffer) : new Uint8Array(0);

/** `bytes` copied into the kernel's memory at 0 (16 bytes of padding after), with `extra` bytes of room past it. */
function load(k: Kernel, bytes: Uint8Array, extra: number): number {
  const inputEnd = (bytes.length + 31) & ~15;
  const needed = inputEnd + extra;
  if (needed > view.length) {
    k.memory.grow(Math.ceil((needed - view.length) / 65536));
    view = new Uint8Array(k.memory.buffer);
  }
  view.set(bytes, 0);
  return inputEnd;
}

/**
 * The number of lines in `bytes` (complete lines, each ending in `\n`), or -1 when a line is
 * longer than {@link MAX_LINE_LENGTH} bytes (the caller then splits it the slow way).
 */
export function countLines(bytes: Uint8Array): number {
  if (!kernel) {
    let count = 0;
    let start = 0;
    for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, start)) {
      if (at - start > MAX_LINE_LENGTH) return -1;
      count += 1;
      start = at + 1;
    }
    return count;
  }
  load(kernel, bytes, 0);
  return kernel.run(0, bytes.length, 0, 0, 0, 0);
}

/**
 * `prefix` before each line of `bytes` (complete lines, each ending in `\n`), as a view of the
 * kernel's memory that the next call overwrites (copy it before that);
 * undefined when a line holds a control character other than tab (or a 0xc2 byte), or is longer
 * than {@link MAX_LINE_LENGTH}, or where SIMD is missing: then escape line by line instead.
 */
export function prefixLines(bytes: Uint8Array, prefix: Uint8Array, lines: number): Uint8Array | undefined {
  if (!kernel) return undefined;
  const inputEnd = load(kernel, bytes, prefix.length + bytes.length + lines * prefix.length);
  view.set(prefix, inputEnd);
  const out = inputEnd + prefix.length;
  const written = kernel.run(0, bytes.length, inputEnd, prefix.length, out, 1);
  return written < 0 ? undefined : view.subarray(out, out + written);
}
