import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CliError } from './cli-error.js';
import { EXIT } from './exit-codes.js';

/** Where a running pilot's control server listens, as found by the CLI. */
export interface ControlEndpoint {
  /** The unix socket, when it listens on one. */
  socketPath?: string;
  /** The base URL, when it listens on loopback TCP. */
  url?: URL;
  /** Bearer token for TCP. */
  token?: string;
  /** What it is, for messages ("socket /x/.pilot/control.sock"). */
  description: string;
  /** The pid recorded in control.json, if any. */
  pid?: number;
}

/** How the user pointed at the pilot: a manifest, a socket, or a URL and token. */
export interface EndpointFlags {
  manifest?: string;
  socket?: string;
  url?: string;
  token?: string;
}

/** The file a control server writes next to the manifest (see docs/control-api.md). */
export function controlFileOf(manifestDirectory: string): string {
  return join(manifestDirectory, '.pilot', 'control.json');
}

/**
 * The endpoint to talk to: `--socket`, else `--url` (token from `--token`, PILOT_TOKEN or
 * `.pilot/token`), else what `<manifest dir>/.pilot/control.json` says. The manifest defaults
 * to the current directory's.
 */
export function findEndpoint(flags: EndpointFlags, cwd = process.cwd()): ControlEndpoint {
  if (flags.manifest !== undefined && !existsSync(resolve(cwd, flags.manifest))) {
    throw new CliError(`manifest ${resolve(cwd, flags.manifest)} does not exist; pass the manifest the running pilot was started with (--manifest path/to/pilot.yaml)`);
  }
  const directory = flags.manifest !== undefined ? dirname(resolve(cwd, flags.manifest)) : cwd;
  if (flags.socket !== undefined) return { socketPath: resolve(cwd, flags.socket), description: `socket ${resolve(cwd, flags.socket)}` };
  if (flags.url !== undefined) return { url: parseUrl(flags.url), token: tokenFor(flags, directory), description: flags.url };
  const file = controlFileOf(directory);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(
      `no pilot is running for ${directory}: ${file} does not exist. Start one with "pilot run" in that directory ` +
        '(its manifest needs control_server: http), or point at it with --manifest, --socket or --url',
    );
  }
  const record = parseRecord(text, file);
  if (record.socket) return { socketPath: record.socket, description: `socket ${record.socket}`, pid: record.pid };
  if (record.url) return { url: parseUrl(record.url), token: tokenFor(flags, directory), description: record.url, pid: record.pid };
  throw new CliError(`${file} names neither a socket nor a url; delete it and restart the pilot`);
}

function parseRecord(text: string, file: string): { socket?: string; url?: string; pid?: number } {
  try {
    const value = JSON.parse(text) as { socket?: unknown; url?: unknown; pid?: unknown };
    return {
      socket: typeof value.socket === 'string' ? value.socket : undefined,
      url: typeof value.url === 'string' ? value.url : undefined,
      pid: typeof value.pid === 'number' ? value.pid : undefined,
    };
  } catch {
    throw new CliError(`${file} is not valid JSON; delete it and restart the pilot`);
  }
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(`--url: expected an http URL such as http://127.0.0.1:7000, got "${text}"`, EXIT.usage);
  }
  if (url.protocol !== 'http:') throw new CliError(`--url: expected an http:// URL (the control server listens on loopback only), got "${text}"`, EXIT.usage);
  return url;
}

function tokenFor(flags: EndpointFlags, directory: string): string | undefined {
  if (flags.token) return flags.token;
  if (process.env.PILOT_TOKEN) return process.env.PILOT_TOKEN;
  const file = join(directory, '.pilot', 'token');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}
