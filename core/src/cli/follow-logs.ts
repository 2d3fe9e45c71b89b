import type { ControlClient } from './control-client.js';
import type { ServerEvent } from './sse-parser.js';

/** A line of a process's output as the control API sends it. */
export interface LogEntry {
  stream: string;
  text: string;
  time: number;
}

/** Lines held while the tail is fetched; past this, reading pauses (the server then drops and counts). */
const MAX_PENDING = 10_000;

/** Where followed lines go: stdout with backpressure, and whether its reader went away. */
class Output {
  /** Set when the reader of stdout went away (`pilot logs -f | head`): following is pointless. */
  readonly gone: Promise<void>;
  private isGone = false;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly format: (line: LogEntry) => string,
  ) {
    this.gone = new Promise((resolve) => {
      out.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') return;
        this.isGone = true;
        resolve();
      });
    });
  }

  /** Print `line`; a promise when stdout is full, settled once it drained (or its reader left). */
  print(line: LogEntry): Promise<void> | undefined {
    if (this.isGone || this.out.write(this.format(line))) return undefined;
    return Promise.race([new Promise<void>((resolve) => this.out.once('drain', resolve)), this.gone]);
  }

  get closed(): boolean {
    return this.isGone;
  }
}

/** At most one gap notice per this many ms: a reader that stays too slow would otherwise get one per catch-up. */
const NOTICE_MS = 1000;

/** Gap notices (`event: dropped`), on stderr so that stdout stays the process's output. */
class GapNotices {
  private unreported = 0;
  private last = -Infinity;

  add(data: unknown): void {
    this.unreported += Number((data as { log?: unknown })?.log) || 0;
    if (Date.now() - this.last >= NOTICE_MS) this.flush();
  }

  flush(): void {
    if (this.unreported === 0) return;
    const count = this.unreported;
    this.unreported = 0;
    this.last = Date.now();
    process.stderr.write(`pilot logs: the pilot dropped ${count} log line${count === 1 ? '' : 's'} (of all its processes) because this command read more slowly than they came; the output above has a gap there\n`);
  }
}

/**
 * `pilot logs -f`: subscribe to the event stream first and only then fetch the tail, so no line
 * falls in between; lines of the stream already in the tail are skipped. Ends when the pilot
 * ends the stream, or quietly when the reader of stdout goes away.
 */
export async function followLogs(client: ControlClient, name: string, tailPath: string, format: (line: LogEntry) => string): Promise<void> {
  const output = new Output(process.stdout, format);
  const gaps = new GapNotices();
  let pending: LogEntry[] | undefined = [];
  let tailPrinted!: () => void;
  const tailDone = new Promise<void>((resolve) => (tailPrinted = resolve));
  let newest = { time: -Infinity, seen: new Set<string>() };
  const key = (line: LogEntry) => `${line.stream}:${line.text}`;
  const isNew = (line: LogEntry) => line.time > newest.time || (line.time === newest.time && !newest.seen.has(key(line)));
  const onEvent = (event: ServerEvent): Promise<unknown> | undefined => {
    if (event.event === 'dropped') gaps.add(event.data);
    const line = event.data as LogEntry & { name?: string };
    if (event.event !== 'log' || line?.name !== name || typeof line.text !== 'string') return undefined;
    if (!pending) return output.print(line);
    pending.push(line);
    return pending.length >= MAX_PENDING ? tailDone : undefined;
  };
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  const abort = new AbortController();
  void output.gone.then(() => abort.abort());
  const streaming = client.events('/v1/events', { onOpen: opened, onEvent }, abort.signal);
  streaming.catch(() => undefined);
  let lines: LogEntry[];
  try {
    await Promise.race([open, streaming]);
    ({ lines } = await client.request<{ lines: LogEntry[] }>('GET', tailPath));
  } catch (error) {
    // An unknown process, say: the open stream must not keep the command alive.
    abort.abort();
    throw error;
  }
  for (const line of lines) await output.print(line);
  const last = lines.at(-1);
  if (last) newest = { time: last.time, seen: new Set(lines.filter((line) => line.time === last.time).map(key)) };
  const buffered = pending;
  pending = undefined;
  for (const line of buffered.filter(isNew)) await output.print(line);
  tailPrinted();
  await streaming.finally(() => gaps.flush());
  if (!output.closed) process.stderr.write('the pilot stopped; no more lines\n');
}
