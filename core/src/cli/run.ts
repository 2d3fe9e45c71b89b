import { Option, type Command } from 'commander';
import { shouldColor } from './colors.js';
import { findManifest } from './manifest-path.js';
import { collectNames, examples, parseSeconds } from './options.js';
import { createOutput, type OutputFormat } from './run-output.js';

interface RunFlags {
  only?: string[];
  output: OutputFormat;
  color: boolean;
  stopAfter?: number;
}

/** `pilot run [manifest]`: start everything and supervise it until stopped. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('start the processes of a manifest in dependency order, stream their output, stop them all on Ctrl-C')
    .argument('[manifest]', 'manifest file (default: pilot.yaml, pilot.yml or pilot.json in the current directory)')
    .option('--only <names>', 'run only these processes (comma-separated, repeatable) and what they depend on', collectNames)
    .addOption(new Option('-o, --output <format>', 'pretty: prefixed, aligned lines; raw: process output as is; json: one JSON object per line').choices(['pretty', 'raw', 'json']).default('pretty'))
    .option('--no-color', 'never colour the output (NO_COLOR=1 does the same; FORCE_COLOR=1 colours piped output)')
    .option('--stop-after <seconds>', 'stop gracefully once everything has been ready for this many seconds (demos, CI)', parseSeconds)
    .addHelpText(
      'after',
      examples([
        ['pilot run', 'run ./pilot.yaml; Ctrl-C stops everything gracefully, a second Ctrl-C kills at once'],
        ['pilot run examples/quickstart/pilot.yaml --only api', 'run api and the processes it depends on'],
        ['pilot run --output json | jq -c "select(.type == \\"event\\")"', 'machine-readable lines for logs and tools'],
        ['pilot run --stop-after 2 --no-color', 'a bounded, non-interactive run for CI'],
      ]) + '\nExit codes: 0 clean stop or every process finished with 0; 1 start-up failed; a shutdown_everything process\'s own code; 2 usage error.\n',
    )
    .action(async (manifestArg: string | undefined, flags: RunFlags) => {
      const [{ ProcessManifest }, { runSession }] = await Promise.all([import('../index.js'), import('./run-session.js')]);
      const manifest = await ProcessManifest.fromFile(findManifest(manifestArg));
      const output = createOutput({
        format: flags.output,
        color: shouldColor(process.stdout, flags.color),
        statusLine: flags.output === 'pretty' && process.stdout.isTTY === true,
        names: manifest.processes.map((spec) => spec.name),
        stdout: process.stdout,
        stderr: process.stderr,
      });
      process.exitCode = await runSession({ manifest, output, only: flags.only, stopAfterSeconds: flags.stopAfter });
    });
}
