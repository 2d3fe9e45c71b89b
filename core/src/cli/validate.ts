import type { Command } from 'commander';
import type { Manifest } from '../index.js';
import { readinessOf } from './describe-process.js';
import { findManifest } from './manifest-path.js';
import { examples } from './options.js';
import { formatTable } from './table.js';

/** `pilot validate [manifest]`: every problem (exit 1) or a summary in start order (exit 0). */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a manifest, its plugins and their options; print every problem, or the processes in start order')
    .argument('[manifest]', 'manifest file (default: pilot.yaml, pilot.yml or pilot.json in the current directory)')
    .addHelpText(
      'after',
      examples([
        ['pilot validate', 'check ./pilot.yaml (exit 0 when valid, 1 with every problem listed)'],
        ['pilot validate examples/quickstart/pilot.yaml', 'check another manifest'],
      ]),
    )
    .action(async (manifestArg: string | undefined) => {
      const { ProcessManifest, ProcessPilot, startLevels } = await import('../index.js');
      const manifest = await ProcessManifest.fromFile(findManifest(manifestArg));
      // Loads the plugins the manifest names and checks every plugin name and option; nothing starts.
      await new ProcessPilot(manifest, { handleSignals: false }).initialize();
      process.stdout.write(summary(manifest, startLevels(manifest.processes)));
    });
}

/** The valid manifest as a table in start `levels`: step, name, readiness, dependencies, exit policy. */
export function summary(manifest: Manifest, levels: readonly string[][]): string {
  const byName = new Map(manifest.processes.map((spec) => [spec.name, spec]));
  const rows = levels.flatMap((level, index) =>
    level.map((name) => {
      const spec = byName.get(name)!;
      return [String(index + 1), name, readinessOf(spec), spec.dependencies.join(', ') || '-', spec.shutdown_strategy];
    }),
  );
  const count = manifest.processes.length;
  const title = `${manifest.source ?? 'manifest'} is valid: ${count} ${count === 1 ? 'process' : 'processes'}; same step = started in parallel\n`;
  return title + formatTable(['STEP', 'NAME', 'READINESS', 'DEPENDS ON', 'ON EXIT'], rows);
}
