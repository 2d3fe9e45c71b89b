import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** Both loopback addresses, IPv4 first: most servers bind 0.0.0.0 or 127.0.0.1. */
const LOOPBACK: LookupAddress[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

/**
 * A `lookup` for net.connect: `localhost` answers 127.0.0.1 and ::1 without asking the
 * resolver, so with `autoSelectFamily` a server on either address is found (the resolver may
 * give one family only, e.g. /etc/hosts mapping localhost to 127.0.0.1 alone, while the server
 * listens on ::1) and polling never queues getaddrinfo on libuv's thread pool. Other names go
 * to dns.lookup.
 */
export function localhostLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  if (hostname.toLowerCase() !== 'localhost') {
    dnsLookup(hostname, options, callback as never);
    return;
  }
  const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
  const wanted = LOOPBACK.filter((entry) => !family || family === entry.family);
  const addresses = wanted.length > 0 ? wanted : LOOPBACK;
  if (options.all) process.nextTick(callback, null, addresses);
  else process.nextTick(callback, null, addresses[0]!.address, addresses[0]!.family);
}
