import type { Command } from 'commander';
import { clientFor, withEndpointOptions } from './control-options.js';
import type { EndpointFlags } from './control-endpoint.js';
import { examples, parseCount } from './options.js';
import { shouldColor } from './colors.js';
import { escapeControl } from './escape-control.js';
import { followLogs, type LogEntry } from './follow-logs.js';

/** One line as printed, journalctl style: control sequences escaped, SGR colours kept only when colour is on. */
const lineFormat =
  (color: boolean) =>
  (line: LogEntry): string =>
    `${escapeControl(line.text, color)}\n`;

/** `pilot logs NAME [-n N] [-f]`: the last lines of a process, then (with -f) new ones as they come. */
export function registerLogs(program: Command): void {
  withEndpointOptions(
    program
      .command('logs')
      .description('print the last output lines of a process of a running pilot; with -f, keep printing new ones')
      .argument('<name>', 'the process name from the manifest')
      .option('-n, --lines <count>', 'how many of the last lines to print (at most 10000)', parseCount, 100)
      .option('-f, --follow', 'keep printing new lines until the pilot stops or Ctrl-C')
      .option('--no-color', 'escape the colour sequences of the output too (NO_COLOR=1 does the same; FORCE_COLOR=1 keeps them when piped)'),
  )
    .addHelpText(
      'after',
      examples([
        ['pilot logs api', 'the last 100 lines of "api"'],
        ['pilot logs api -n 20 -f', 'the last 20, then follow'],
      ]),
    )
    .action(async (name: string, flags: EndpointFlags & { lines: number; follow?: boolean; color?: boolean }) => {
      const client = clientFor(flags);
      const formatLine = lineFormat(shouldColor(process.stdout, flags.color));
      const path = `/v1/processes/${encodeURIComponent(name)}/logs?lines=${flags.lines}`;
      if (!flags.follow) {
        const { lines } = await client.request<{ lines: LogEntry[] }>('GET', path);
        for (const line of lines) process.stdout.write(formatLine(line));
        return;
      }
      await followLogs(client, name, path, formatLine);
    });
}
