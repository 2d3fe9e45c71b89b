import type { Command } from 'commander';
import type { ServerEvent } from './control-client.js';
import { clientFor, withEndpointOptions } from './control-options.js';
import type { EndpointFlags } from './control-endpoint.js';
import { examples, parseCount } from './options.js';

interface LogEntry {
  stream: string;
  text: string;
  time: number;
}

/** `pilot logs NAME [-n N] [-f]`: the last lines of a process, then (with -f) new ones as they come. */
export function registerLogs(program: Command): void {
  withEndpointOptions(
    program
      .command('logs')
      .description('print the last output lines of a process of a running pilot; with -f, keep printing new ones')
      .argument('<name>', 'the process name from the manifest')
      .option('-n, --lines <count>', 'how many of the last lines to print (at most 10000)', parseCount, 100)
      .option('-f, --follow', 'keep printing new lines until the pilot stops or Ctrl-C'),
  )
    .addHelpText(
      'after',
      examples([
        ['pilot logs api', 'the last 100 lines of "api"'],
        ['pilot logs api -n 20 -f', 'the last 20, then follow'],
      ]),
    )
    .action(async (name: string, flags: EndpointFlags & { lines: number; follow?: boolean }) => {
      const client = clientFor(flags);
      const path = `/v1/processes/${encodeURIComponent(name)}/logs?lines=${flags.lines}`;
      if (!flags.follow) {
        const { lines } = await client.request<{ lines: LogEntry[] }>('GET', path);
        for (const line of lines) process.stdout.write(`${line.text}\n`);
        return;
      }
      await follow(client, name, path);
    });
}

/**
 * Subscribe to the event stream first and only then fetch the tail, so no line falls in
 * between; lines of the stream already in the tail are skipped.
 */
async function follow(client: ReturnType<typeof clientFor>, name: string, path: string): Promise<void> {
  let pending: LogEntry[] | undefined = [];
  let newest = { time: -Infinity, seen: new Set<string>() };
  const print = (line: LogEntry) => process.stdout.write(`${line.text}\n`);
  const isNew = (line: LogEntry) => line.time > newest.time || (line.time === newest.time && !newest.seen.has(`${line.stream}:${line.text}`));
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  const abort = new AbortController();
  const streaming = client.events(
    '/v1/events',
    {
      onOpen: opened,
      onEvent: (event: ServerEvent) => {
        const line = event.data as LogEntry & { name?: string };
        if (event.event !== 'log' || line?.name !== name) return;
        if (pending) pending.push(line);
        else print(line);
      },
    },
    abort.signal,
  );
  streaming.catch(() => undefined);
  let lines: LogEntry[];
  try {
    await Promise.race([open, streaming]);
    ({ lines } = await client.request<{ lines: LogEntry[] }>('GET', path));
  } catch (error) {
    // An unknown process, say: the open stream must not keep the command alive.
    abort.abort();
    throw error;
  }
  lines.forEach(print);
  const last = lines.at(-1);
  if (last) newest = { time: last.time, seen: new Set(lines.filter((line) => line.time === last.time).map((line) => `${line.stream}:${line.text}`)) };
  const buffered = pending;
  pending = undefined;
  buffered.filter(isNew).forEach(print);
  await streaming;
  process.stderr.write('the pilot stopped; no more lines\n');
}
