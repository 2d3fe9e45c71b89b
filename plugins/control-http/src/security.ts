import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './respond.js';

/** Host names (without port) a request may name: loopback only, against DNS rebinding. */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** `host` or `host:port` -> the host part, lower-cased; undefined when malformed. */
function hostPart(value: string): string | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  return match?.[1]?.toLowerCase();
}

/**
 * Reject (403) a request whose Host is not loopback (a DNS-rebinding page) or whose Origin is
 * not a loopback http(s) origin (a cross-site request from a browser). Over the unix socket a
 * request may omit Host.
 */
export function checkHostAndOrigin(req: IncomingMessage, transport: 'unix' | 'tcp'): void {
  const host = req.headers.host;
  if (host === undefined || host === '') {
    if (transport === 'tcp') throw new HttpError(403, 'missing Host header: send Host: localhost or 127.0.0.1 (any port)');
  } else {
    const name = hostPart(host);
    if (name === undefined || !LOOPBACK_NAMES.has(name)) {
      throw new HttpError(403, `foreign Host header "${host}": the control API only answers to localhost, 127.0.0.1 or [::1]`);
    }
  }
  const origin = req.headers.origin;
  if (origin === undefined) return;
  let parsed: URL | undefined;
  try {
    parsed = new URL(origin);
  } catch {
    parsed = undefined;
  }
  const allowed = parsed !== undefined && (parsed.protocol === 'http:' || parsed.protocol === 'https:') && LOOPBACK_NAMES.has(parsed.hostname);
  if (!allowed) throw new HttpError(403, `foreign Origin "${origin}": cross-site requests are refused; only loopback origins may call the control API`);
}

/** A fresh bearer token: 32 random bytes, base64url. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Checks `Authorization: Bearer <token>` in constant time: both sides are hashed to SHA-256
 * first, so a token of the wrong length costs the same as a wrong one of the right length.
 */
export class BearerAuth {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  /** Throws 401 unless the request carries the token. */
  check(req: IncomingMessage): void {
    const header = req.headers.authorization;
    const challenge = { 'www-authenticate': 'Bearer realm="pilot"' };
    if (header === undefined) throw new HttpError(401, 'missing Authorization header: send Authorization: Bearer <token> (see .pilot/token)', challenge);
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    const given = digest(match?.[1] ?? '');
    // Compare even for a malformed header, so that its shape does not change the timing.
    const equal = timingSafeEqual(given, this.expected);
    if (!match || !equal) throw new HttpError(401, 'wrong bearer token: send the token from .pilot/token or the control_server options', challenge);
  }
}
