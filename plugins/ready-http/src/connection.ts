import net from 'node:net';
import { localhostLookup } from './localhost-lookup.js';

/** The URL's host without the brackets of an IPv6 literal. */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Open a TCP connection to `url`'s host and port (`localhost`: 127.0.0.1 and ::1, Happy Eyeballs). */
export function openConnection(url: URL): net.Socket {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  // Explicit autoSelectFamily: the host may have turned Node's default off.
  return net.connect({ host: hostOf(url), port, lookup: localhostLookup as never, autoSelectFamily: true });
}

/**
 * True when something accepts connections at `url` right now; false when refused, failing, or
 * silent for `timeoutMs`. The connection is closed at once.
 */
export function acceptsNow(url: URL, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = openConnection(url);
    let settled = false;
    const finish = (accepting: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(accepting);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}
