import { z } from 'zod';
import { controlServerSchema, type ControlServerReference } from './control-servers.js';
import { kernelText, seconds, signalName } from './values.js';

/** Names of processes: letters, digits, `_`, `.`, `-`; usable in env vars, URLs and log prefixes. */
export const PROCESS_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Environment variable names accepted in `env`. */
export const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A plugin-provided name, optionally with options: `tcp` or `{ name: jsonl, options: {...} }`. */
export const namedReference = z.union(
  [z.string().min(1), z.strictObject({ name: z.string().min(1), options: z.record(z.string(), z.unknown()).default({}) })],
  { error: 'expected a name (string) or { name, options }' },
);

/** Restart backoff: the delay doubles (by `multiplier`) from `initial_delay` up to `max_delay`. */
export const restartBackoffSchema = z.strictObject({
  /** @default 0.5 */
  initial_delay: seconds('initial_delay', { zero: true }).default(0.5).describe('seconds before the first restart'),
  /** @default 30 */
  max_delay: seconds('max_delay', { zero: true }).default(30).describe('cap on the delay, in seconds'),
  /** @default 2 */
  multiplier: z.number().min(1).default(2).describe('factor applied to the delay after each restart'),
  /** @default 10 */
  reset_after: seconds('reset_after', { zero: true }).default(10).describe('seconds of uptime after which the delay and the max_restarts count reset'),
});

/** One process entry, in process_pilot's snake_case plus ProcessPilot's additions. */
export const processSchema = z.strictObject({
  name: z.string().regex(PROCESS_NAME, {
    error: 'expected a name of letters, digits, "_", "." or "-" (at most 64, starting with a letter or digit)',
  }),
  path: kernelText(z.string().min(1, { error: 'expected an executable path or a command name on PATH' })),
  args: z.array(kernelText(z.string({ error: 'expected a string (quote numbers: "8080")' }))).default([]),
  env: z
    .record(
      z.string().regex(ENV_KEY, { error: 'expected an environment variable name matching ^[A-Za-z_][A-Za-z0-9_]*$' }),
      kernelText(z.string({ error: 'expected a string value (quote numbers: "8080")' })),
    )
    .default({}),
  env_file: kernelText(z.string().min(1)).optional().describe('KEY=VALUE file merged under `env`'),
  working_directory: kernelText(z.string().min(1)).optional(),
  shell: z.boolean().default(false).describe('run `path args...` through /bin/sh -c'),
  timeout: seconds('timeout').default(5).describe('seconds between the stop signal and SIGKILL'),
  stop_signal: signalName.default('SIGTERM'),
  kill_mode: z
    .enum(['control-group', 'mixed', 'process'])
    .default('control-group')
    .describe('who gets stop_signal (systemd KillMode): control-group = every process of the tree; mixed = the main process only, the rest SIGKILL once it exited or at the timeout; process = the main process only (see docs/manifest.md). Nothing of the tree outlives a stop in any mode.'),
  shutdown_strategy: z.enum(['restart', 'do_not_restart', 'shutdown_everything']).default('restart'),
  restart_backoff: restartBackoffSchema.prefault({}),
  max_restarts: z.number().int().nonnegative().nullable().default(null).describe('restarts in a row before the process is failed; null = no limit'),
  dependencies: z.array(z.string()).default([]),
  lifecycle_hooks: z.array(namedReference).default([]),
  stat_handlers: z.array(namedReference).default([]),
  ready_strategy: z.string().min(1).nullable().optional(),
  ready_timeout_sec: seconds('ready_timeout_sec').default(5),
  ready_params: z.record(z.string(), z.unknown()).default({}),
  affinity: z.array(z.number().int().nonnegative()).min(1).nullable().optional(),
  log_lines: z.number().int().positive().default(1000).describe('lines of output kept for logs() and errors'),
  executor: namedReference.default('local').describe('where the process runs: `local` (this machine), or an executor a plugin provides (`{ name, options }`)'),
});

/** The whole manifest. */
export const manifestSchema = z.strictObject({
  $schema: z.string().optional().describe('the JSON Schema editors validate this file with (`pilot schema > pilot.schema.json`); ignored by the pilot'),
  processes: z.array(processSchema).min(1, { error: 'expected at least one process' }),
  control_server: controlServerSchema.describe('control servers to start with the pilot: a name, { name, options }, or a list of them (each name once)'),
  kill_timeout: seconds('kill_timeout').default(5).describe('bound on a whole shutdown, in seconds'),
  base_directory: kernelText(z.string().min(1)).nullable().optional(),
  plugins: z.array(kernelText(z.string().min(1))).default([]).describe('plugin packages or paths to load'),
  plugin_directory: kernelText(z.string().min(1)).nullable().optional(),
  stats_interval: seconds('stats_interval').default(5),
  env_file: kernelText(z.string().min(1)).optional().describe('KEY=VALUE file merged under every process env'),
});

/** A manifest as written (before defaults). */
export type ManifestInput = z.input<typeof manifestSchema>;
/** A process entry as written (before defaults). */
export type ProcessInput = z.input<typeof processSchema>;
/** A plugin-provided name with its options. */
export type NamedReference = { name: string; options: Record<string, unknown> };

/** One validated process: defaults applied, paths absolute, env files merged. */
export type ProcessSpec = Omit<z.output<typeof processSchema>, 'lifecycle_hooks' | 'stat_handlers' | 'executor'> & {
  /** Absolute path of the executable (PATH already searched), or the command line when `shell`. */
  path: string;
  /** Absolute working directory. */
  working_directory: string;
  lifecycle_hooks: NamedReference[];
  stat_handlers: NamedReference[];
  /** Where it runs (`{ name: 'local', options: {} }` by default). */
  executor: NamedReference;
};

/** A validated manifest: plain data, every path absolute. */
export type Manifest = Omit<z.output<typeof manifestSchema>, 'processes' | 'control_server'> & {
  processes: ProcessSpec[];
  /** The control servers to start, in manifest order (empty when none). */
  control_server: ControlServerReference[];
  /** Absolute directory relative paths resolved against. */
  base_directory: string;
  /** The manifest file, when loaded from one. */
  source: string | undefined;
  plugin_directory: string | null;
};
