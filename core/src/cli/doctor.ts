import type { Command } from 'commander';
import { EXIT } from './exit-codes.js';
import { examples } from './options.js';

/** `pilot doctor`: what this machine gives the pilot, one line per check, each non-ok line with what to do. */
export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check what this machine gives the pilot: Node, containment (cgroup or process groups), open-files limit, awk, mkfifo, ssh, runtime directory, plugins')
    .option('--json', 'one JSON object: { ok, checks: [{ name, status, detail, fix? }] }')
    .addHelpText(
      'after',
      examples([
        ['pilot doctor', 'ok / warn / missing per line; exit 1 only if something required is missing'],
        ['PILOT_CONTAINMENT=cgroup pilot doctor', 'why no cgroup can be made here, if none can'],
        ['pilot doctor --json | jq ".checks[] | select(.status != \\"ok\\")"', 'only what needs attention'],
      ]),
    )
    .action(async (flags: { json?: boolean }) => {
      const { runChecks, anyMissing } = await import('./doctor-checks.js');
      const checks = await runChecks(process.cwd());
      const failed = anyMissing(checks);
      if (flags.json) process.stdout.write(`${JSON.stringify({ ok: !failed, checks }, null, 2)}\n`);
      else process.stdout.write(formatChecks(checks));
      process.exitCode = failed ? EXIT.failure : EXIT.ok;
    });
}

/** `status  name         detail` per check, and `fix: ...` indented under each line that is not ok. */
export function formatChecks(checks: readonly { name: string; status: string; detail: string; fix?: string }[]): string {
  const width = Math.max(...checks.map((check) => check.name.length));
  return checks
    .map((check) => {
      const line = `${check.status.padEnd(7)} ${check.name.padEnd(width)}  ${check.detail}\n`;
      return check.fix ? `${line}${' '.repeat(width + 10)}fix: ${check.fix}\n` : line;
    })
    .join('');
}
