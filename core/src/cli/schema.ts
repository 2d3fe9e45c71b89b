import type { Command } from 'commander';
import type { PilotPlugin } from '../index.js';
import { examples } from './options.js';

/** `pilot schema`: the manifest's JSON Schema with the options of every installed plugin. */
export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of manifests, including the names and options of installed plugin packages')
    .option('--no-plugins', 'leave installed plugin packages out (the core schema only)')
    .addHelpText(
      'after',
      examples([
        ['pilot schema > pilot.schema.json', 'save it for your editor'],
        ['# yaml-language-server: $schema=./pilot.schema.json', 'first line of pilot.yaml: VS Code (YAML extension) then validates and completes it'],
      ]),
    )
    .action(async (flags: { plugins: boolean }) => {
      const schema = await schemaWithPlugins(flags.plugins ? await installedPlugins(process.cwd()) : []);
      process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
    });
}

/** The JSON Schema with `plugins` registered: a pilot over a trivial in-memory manifest holds them. */
async function schemaWithPlugins(plugins: readonly PilotPlugin[]): Promise<object> {
  const { manifestJsonSchema, ProcessManifest, ProcessPilot } = await import('../index.js');
  const manifest = ProcessManifest.fromObject({ processes: [{ name: 'schema', path: process.execPath }] });
  const pilot = new ProcessPilot(manifest, { handleSignals: false });
  for (const plugin of plugins) {
    try {
      pilot.registerPlugins([plugin]);
    } catch (error) {
      warn(`plugin ${plugin.name} left out: ${(error as Error).message}`);
    }
  }
  await pilot.initialize();
  return manifestJsonSchema(pilot);
}

/** Every installed plugin package (and those core bundles), loaded as the pilot loads them. */
async function installedPlugins(directory: string): Promise<PilotPlugin[]> {
  const { importInstalledPlugins } = await import('../index.js');
  return importInstalledPlugins([directory], (pkg, reason) => warn(`plugin package ${pkg.name} (${pkg.directory}) left out: ${reason}`));
}

function warn(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}
