import { Option, type Command } from 'commander';
import type { GraphFormat } from './graph-format.js';
import { findManifest } from './manifest-path.js';
import { examples } from './options.js';

/** `pilot graph [manifest] [--format text|mermaid|dot]`. */
export function registerGraph(program: Command): void {
  program
    .command('graph')
    .description('print the dependency graph with each process\'s readiness strategy')
    .argument('[manifest]', 'manifest file (default: pilot.yaml, pilot.yml or pilot.json in the current directory)')
    .addOption(new Option('-f, --format <format>', 'text: start steps; mermaid: a flowchart for Markdown; dot: Graphviz').choices(['text', 'mermaid', 'dot']).default('text'))
    .addHelpText(
      'after',
      examples([
        ['pilot graph', 'start steps of ./pilot.yaml as text'],
        ['pilot graph --format mermaid > graph.mmd', 'a mermaid flowchart (GitHub renders it in Markdown)'],
        ['pilot graph -f dot | dot -Tsvg > graph.svg', 'render with Graphviz'],
      ]),
    )
    .action(async (manifestArg: string | undefined, flags: { format: GraphFormat }) => {
      const [{ ProcessManifest }, { formatGraph }] = await Promise.all([import('../index.js'), import('./graph-format.js')]);
      // Only names and dependencies matter here: executables need not exist on this machine.
      const manifest = await ProcessManifest.fromFile(findManifest(manifestArg), { checkFiles: false });
      process.stdout.write(formatGraph(manifest.processes, flags.format));
    });
}
