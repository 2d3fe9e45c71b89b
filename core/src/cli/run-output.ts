import type { LogLine } from '../index.js';
import { colors, processColor } from './colors.js';
import { eventText } from './event-text.js';
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
}

/** The sink `pilot run` reports to, plus `close()` to remove the status line at the end. */
export type RunOutput = RunSink & { close(): void };

/** Create the output for `--output` `format`. */
export function createOutput(options: OutputOptions): RunOutput {
  if (options.format === 'json') return jsonOutput(options.stdout);
  if (options.format === 'raw') return rawOutput(options);
  return prettyOutput(options);
}

function jsonOutput(out: TerminalStream): RunOutput {
  const time = (ms = Date.now()) => new Date(ms).toISOString();
  return {
    log: (process, line) => out.write(`${JSON.stringify({ type: 'log', time: time(line.time), process, stream: line.stream, text: line.text })}\n`),
    event: (event) => out.write(`${JSON.stringify({ type: 'event', time: time(), ...event })}\n`),
    close: () => undefined,
  };
}

/** Process output untouched (stdout to stdout, stderr to stderr); pilot events on stderr. */
function rawOutput(options: OutputOptions): RunOutput {
  const c = colors(false);
  return {
    log: (_process, line) => (line.stream === 'stderr' ? options.stderr : options.stdout).write(`${line.text}\n`),
    event: (event) => {
      const text = eventText(event, c);
      if (text !== undefined) options.stderr.write(`[pilot] ${text}\n`);
    },
    close: () => undefined,
  };
}

/** `api   | line` per process line, `pilot > event` per event, aligned, coloured per process. */
function prettyOutput(options: OutputOptions): RunOutput {
  const c = colors(options.color);
  const width = Math.max(5, ...options.names.map((name) => name.length));
  const paint = new Map(options.names.map((name, index) => [name, processColor(c, index)]));
  const name = (process: string) => (paint.get(process) ?? c.bold)(process);
  const status = options.statusLine ? new StatusLine(options.stdout) : undefined;
  const write = (text: string) => (status ? status.write(text) : options.stdout.write(text));
  const eventPrefix = `${c.bold('pilot'.padEnd(width))} ${c.dim('>')} `;
  return {
    log(process: string, line: LogLine) {
      const separator = line.stream === 'stderr' ? c.red('|') : c.dim('|');
      write(`${(paint.get(process) ?? c.bold)(process.padEnd(width))} ${separator} ${line.text}\n`);
    },
    event(event: RunEvent) {
      if (status) track(status, event);
      const text = eventText(event, c, name);
      if (text !== undefined) write(`${eventPrefix}${text}\n`);
    },
    close: () => status?.close(),
  };
}

/** Keep the status line's "waiting for" set in step with the events. */
function track(status: StatusLine, event: RunEvent): void {
  if (event.event === 'spawned') status.startWaiting(event.process, event.readiness);
  else if (event.event === 'stop-all' || event.event === 'kill-all') status.close();
  else if ('process' in event && event.process !== undefined) status.stopWaiting(event.process);
}
