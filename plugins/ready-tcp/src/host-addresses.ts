import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** Tried for `localhost`: servers bind one or the other, and Node >= 17 may resolve either first. */
export const LOCALHOST_ADDRESSES: readonly string[] = ['127.0.0.1', '::1'];

/** How long resolved DNS addresses are reused before the next lookup. */
export const DNS_REFRESH_MS = 1_000;

/** The fixed addresses of `host` (localhost or an IP literal), or undefined for a DNS name. */
export function fixedAddresses(host: string | undefined): readonly string[] | undefined {
  if (host === undefined || host.toLowerCase() === 'localhost') return LOCALHOST_ADDRESSES;
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isIP(bare) ? [bare] : undefined;
}

/**
 * The addresses to probe for a host. Probes connect to IP literals only, so a DNS name costs one
 * lookup per `DNS_REFRESH_MS` (getaddrinfo runs on the thread pool), not one per attempt.
 */
export class HostAddresses {
  private addresses: readonly string[];
  private readonly fixed: boolean;
  private lookedUpAt = Number.NEGATIVE_INFINITY;
  private pending: Promise<void> | undefined;

  constructor(private readonly host: string | undefined) {
    const fixed = fixedAddresses(host);
    this.fixed = fixed !== undefined;
    this.addresses = fixed ?? [];
  }

  /** The addresses known now; starts a lookup in the background when one is due. */
  current(): readonly string[] {
    if (!this.fixed && !this.pending && Date.now() - this.lookedUpAt >= DNS_REFRESH_MS) void this.refresh();
    return this.addresses;
  }

  /** Resolves once the first lookup is done (at once for fixed addresses). */
  async resolved(): Promise<readonly string[]> {
    this.current();
    await this.pending;
    return this.addresses;
  }

  private refresh(): Promise<void> {
    this.pending = lookup(this.host!, { all: true, verbatim: true })
      .then((found) => {
        this.addresses = [...new Set(found.map((entry) => entry.address))];
      })
      // An unknown name may become known (a container starting): keep trying until the timeout.
      .catch(() => undefined)
      .finally(() => {
        this.lookedUpAt = Date.now();
        this.pending = undefined;
      });
    return this.pending;
  }
}
