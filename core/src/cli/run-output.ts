import type { LineBatch } from '../index.js';
import { clockTime } from './clock.js';
import { colors, processColor } from './colors.js';
import { prefixLines } from '../process/line-scan.js';
import { escapeControl, hasControl } from './escape-control.js';
import { eventText } from './event-text.js';
import { OutputQueue } from './output-queue.js';
import type { RunEvent, RunSink } from './run-events.js';
import { StatusLine, type TerminalStream } from './status-line.js';

/** `--output`: prefixed lines for people, plain process output, or JSON lines for machines. */
export type OutputFormat = 'pretty' | 'raw' | 'json';

/** How `pilot run` writes. */
export interface OutputOptions {
  format: OutputFormat;
  color: boolean;
  /** Show the live "waiting for ..." line (only meaningful on a terminal). */
  statusLine: boolean;
  /** Every process name of the manifest, in manifest order: fixes prefix width and colours. */
  names: readonly string[];
  stdout: TerminalStream;
  stderr: TerminalStream;
  /** Pretty output only: an `HH:MM:SS.mmm` column before each line (`--timestamps`). */
  timestamps?: boolean;
}

/** The sink `pilot run` reports to, plus `close()` to write what is queued and remove the status line. */
export type RunOutput = RunSink & { close(): void };

/** Create the output for `--output` `format`. */
export function createOutput(options: OutputOptions): RunOutput {
  if (options.format === 'json') return jsonOutput(options.stdout);
  if (options.format === 'raw') return rawOutput(options);
  return prettyOutput(options);
}

const droppedText = (count: number, stream: string) => `dropped ${count} ${count === 1 ? 'line' : 'lines'} of output while ${stream} was blocked`;

function jsonOutput(out: TerminalStream): RunOutput {
  const time = (ms = Date.now()) => new Date(ms).toISOString();
  const event = (fields: object) => `${JSON.stringify({ type: 'event', time: time(), ...fields })}\n`;
  const queue = new OutputQueue(out, (lines) => event({ event: 'output-dropped', lines, message: droppedText(lines, 'stdout') }));
  return {
    lines(process, batch) {
      const head = `{"type":"log","time":${JSON.stringify(time(batch.time))},"process":${JSON.stringify(process)},"stream":"${batch.stream}","text":`;
      let text = '';
      for (const line of batch.lines) text += `${head}${JSON.stringify(line)}}\n`;
      queue.write(text);
    },
    event: (fields) => queue.write(event(fields)),
    close: () => queue.flush(),
  };
}

/** Process output untouched (stdout to stdout, stderr to stderr, control characters too); pilot events on stderr. */
function rawOutput(options: OutputOptions): RunOutput {
  const c = colors(false);
  const err = new OutputQueue(options.stderr, (lines) => `[pilot] ${droppedText(lines, 'stderr')}\n`);
  const out = new OutputQueue(options.stdout, (lines) => `[pilot] ${droppedText(lines, 'stdout')}\n`);
  return {
    lines: (_process, batch) => (batch.stream === 'stderr' ? err : out).write(`${batch.lines.join('\n')}\n`),
    event: (event) => {
      const text = eventText(event, c);
      if (text !== undefined) err.write(`[pilot] ${text}\n`);
    },
    close: () => {
      out.flush();
      err.flush();
    },
  };
}

/**
 * `api   | line` per process line, `pilot > event` per event, aligned, coloured per process.
 * Control characters of process output are shown escaped; SGR colours pass only with colour on.
 */
function prettyOutput(options: OutputOptions): RunOutput {
  const c = colors(options.color);
  const width = Math.max(5, ...options.names.map((name) => name.length));
  const paint = new Map(options.names.map((name, index) => [name, processColor(c, index)]));
  const name = (process: string) => (paint.get(process) ?? c.bold)(process);
  const status = options.statusLine ? new StatusLine(options.stdout) : undefined;
  const eventPrefix = `${c.bold('pilot'.padEnd(width))} ${c.dim('>')} `;
  const target = status ? { write: (text: string) => status.write(text), once: options.stdout.once?.bind(options.stdout) } : options.stdout;
  const queue = new OutputQueue(target, (lines) => `${eventPrefix}${c.yellow(droppedText(lines, 'stdout'))}\n`);
  // The prefix of each process and stream, built once: per line there is one concatenation.
  const prefixes = new Map<string, { stdout: string; stderr: string }>();
  const bytesOf = new Map<string, { stdout: Buffer; stderr: Buffer }>();
  // --timestamps: the time a chunk was read (one for all its lines), before the name.
  const stamp = options.timestamps ? (ms: number) => `${c.dim(clockTime(ms))} ` : undefined;
  const prefixOf = (process: string) => {
    let prefix = prefixes.get(process);
    if (!prefix) {
      const label = (paint.get(process) ?? c.bold)(process.padEnd(width));
      prefix = { stdout: `${label} ${c.dim('|')} `, stderr: `${label} ${c.red('|')} ` };
      bytesOf.set(process, { stdout: Buffer.from(prefix.stdout), stderr: Buffer.from(prefix.stderr) });
      prefixes.set(process, prefix);
    }
    return prefix;
  };
  return {
    lines(process: string, batch: LineBatch) {
      const prefix = prefixOf(process)[batch.stream];
      if (stamp) return queue.write(prefixed(stamp(batch.time) + prefix, batch.lines, options.color));
      // Fast path: the chunk's bytes copied with the prefixes by one SIMD pass, which refuses any
      // chunk with a control character (then: escape line by line). The status line takes text.
      const fast = batch.bytes && !status ? prefixLines(batch.bytes, bytesOf.get(process)![batch.stream], batch.count) : undefined;
      queue.write(fast ?? prefixed(prefix, batch.lines, options.color));
    },
    event(event: RunEvent) {
      if (status) track(status, event);
      const text = eventText(event, c, name);
      if (text !== undefined) queue.write(`${stamp?.(Date.now()) ?? ''}${eventPrefix}${text}\n`);
    },
    close: () => {
      queue.flush();
      status?.close();
    },
  };
}

/**
 * `prefix` before each line, one `\n` after each: one join for the whole chunk. One scan of the
 * joined text finds out whether any line holds a control character (the prefix has none without
 * colour); only then is each line escaped on its own.
 */
function prefixed(prefix: string, lines: readonly string[], color: boolean): string {
  const text = `${prefix}${lines.join(`\n${prefix}`)}\n`;
  if (!hasControl(color ? lines.join('\n') : text)) return text;
  let escaped = '';
  for (const line of lines) escaped += `${prefix}${escapeControl(line, color)}\n`;
  return escaped;
}

/** Keep the status line's "waiting for" set in step with the events. */
function track(status: StatusLine, event: RunEvent): void {
  if (event.event === 'spawned') status.startWaiting(event.process, event.readiness);
  else if (event.event === 'stop-all' || event.event === 'kill-all') status.close();
  else if ('process' in event && event.process !== undefined) status.stopWaiting(event.process);
}
