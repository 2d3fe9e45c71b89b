import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

/** The most parsed manifests kept; the oldest go first. */
const MAX_ENTRIES = 64;

/**
 * What the yaml package made of a manifest's text, kept on disk by content: a fresh process
 * reading the same text again (every `pilot run` of an unchanged pilot.yaml, every test run)
 * skips loading yaml and its cold parse, ~10 ms for a small manifest and ~100 ms for 200
 * processes. The value is yaml's own result, stored only when JSON carries it unchanged
 * (no NaN, Infinity or -0), keyed by the text and the yaml module file, so an upgraded yaml
 * parses again. Only in a directory of ours (owner us, no group or other access).
 * `PILOT_CACHE_DIR` chooses it (empty: no cache); default `$XDG_CACHE_HOME/pilot` or
 * `~/.cache/pilot`. Any failure of the cache only means parsing.
 */
export class ParseCache {
  private readonly directory: string | undefined;

  constructor(private readonly parserFile: () => string, environment: NodeJS.ProcessEnv = process.env) {
    const chosen = environment.PILOT_CACHE_DIR ?? join(environment.XDG_CACHE_HOME || join(homedir(), '.cache'), 'pilot');
    this.directory = chosen === '' ? undefined : chosen;
  }

  /** The cached value for `text`, else `parse(text)` (cached when it returns). */
  get(text: string, parse: (text: string) => unknown): unknown {
    const file = this.fileFor(text);
    const cached = file && this.read(file);
    if (cached) return cached.value;
    const value = parse(text);
    if (file) this.write(file, value);
    return value;
  }

  private fileFor(text: string): string | undefined {
    if (!this.directory || !this.ours(this.directory, true)) return undefined;
    try {
      const parser = this.parserFile();
      const { size, mtimeMs } = statSync(parser);
      const key = createHash('sha256').update(`${parser}\0${size}\0${mtimeMs}\0`).update(text).digest('hex');
      return join(this.directory, `yaml-${key}.json`);
    } catch {
      return undefined;
    }
  }

  private read(file: string): { value: unknown } | undefined {
    try {
      if (!this.ours(file, false)) return undefined;
      return { value: JSON.parse(readFileSync(file, 'utf8')) as unknown };
    } catch {
      return undefined; // missing (the usual miss) or unreadable: parse
    }
  }

  private write(file: string, value: unknown): void {
    try {
      const json = JSON.stringify(value);
      if (json === undefined || !isDeepStrictEqual(JSON.parse(json), value)) return;
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, json, { mode: 0o600 });
      renameSync(temporary, file); // readers see a whole file or none
      this.prune();
    } catch {
      // A cache that cannot be written (read-only home, full disk) only means parsing next time.
    }
  }

  /** True for our own directory or file that nobody else can write (a planted entry would be run as a manifest). */
  private ours(path: string, directory: boolean): boolean {
    try {
      if (directory) mkdirSync(path, { recursive: true, mode: 0o700 });
      const stats = lstatSync(path);
      const uid = process.getuid?.();
      return (directory ? stats.isDirectory() : stats.isFile()) && (uid === undefined || stats.uid === uid) && (stats.mode & 0o077) === 0;
    } catch {
      return false;
    }
  }

  private prune(): void {
    const entries = readdirSync(this.directory!).filter((name) => name.startsWith('yaml-') && name.endsWith('.json'));
    if (entries.length <= MAX_ENTRIES) return;
    const byAge = entries.map((name) => ({ path: join(this.directory!, name), time: statSync(join(this.directory!, name)).mtimeMs })).sort((a, b) => a.time - b.time);
    for (const { path } of byAge.slice(0, entries.length - MAX_ENTRIES)) unlinkSync(path);
  }
}
