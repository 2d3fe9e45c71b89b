import type { Command } from 'commander';
import type { ProcessView } from './control-client.js';
import { clientFor, withEndpointOptions } from './control-options.js';
import type { EndpointFlags } from './control-endpoint.js';
import { formatOne, formatStatus } from './format-view.js';
import { examples } from './options.js';

/** `pilot status` (alias `ps`) and `pilot start|stop|restart NAME`: clients of the control API. */
export function registerControl(program: Command): void {
  withEndpointOptions(
    program
      .command('status')
      .alias('ps')
      .description('show the processes of a running pilot: status, pid, restarts, uptime, CPU, memory')
      .option('--json', 'print the control API\'s JSON instead of a table'),
  )
    .addHelpText(
      'after',
      examples([
        ['pilot status', 'the pilot started from ./pilot.yaml'],
        ['pilot ps -m examples/quickstart/pilot.yaml', 'the pilot of another manifest'],
        ['pilot status --json | jq ".processes[].status"', 'for scripts'],
      ]),
    )
    .action(async (flags: EndpointFlags & { json?: boolean }) => {
      const { processes } = await clientFor(flags).request<{ processes: ProcessView[] }>('GET', '/v1/processes');
      process.stdout.write(flags.json ? `${JSON.stringify({ processes }, null, 2)}\n` : formatStatus(processes));
    });

  const actions = [
    ['start', 'start a stopped process of a running pilot; returns once it is ready'],
    ['stop', 'stop one process (its whole tree) of a running pilot; its dependents keep running'],
    ['restart', 'stop and start one process of a running pilot; returns once it is ready again'],
  ] as const;
  for (const [action, description] of actions) {
    withEndpointOptions(program.command(action).description(description).argument('<name>', 'the process name from the manifest'))
      .addHelpText('after', examples([[`pilot ${action} api`, `${action} the process "api" of the pilot started from ./pilot.yaml`]]))
      .action(async (name: string, flags: EndpointFlags) => {
        const view = await clientFor(flags).request<ProcessView>('POST', `/v1/processes/${encodeURIComponent(name)}/${action}`);
        process.stdout.write(formatOne(view));
      });
  }
}
