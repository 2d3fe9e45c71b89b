import { AddressProber } from './address-prober.js';
import type { HostAddresses } from './host-addresses.js';

/**
 * The addresses of `addresses` where something accepts connections on `port` right now. One
 * timer bounds the whole probe (DNS lookup included); addresses still silent at `timeoutMs`
 * count as not accepting. Every connection is closed before the promise resolves.
 */
export function acceptingNow(addresses: HostAddresses, port: number, timeoutMs: number): Promise<ReadonlySet<string>> {
  return new Promise((resolve) => {
    const accepting = new Set<string>();
    const probers: AddressProber[] = [];
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      for (const prober of probers) prober.dispose();
      resolve(accepting);
    };
    const timer = setTimeout(finish, timeoutMs);
    void addresses.resolved().then((list) => {
      if (finished) return;
      let left = list.length;
      if (left === 0) return finish();
      for (const address of list) {
        const prober = new AddressProber(address, port);
        probers.push(prober);
        prober.attempt((outcome) => {
          if (outcome === 'open') accepting.add(address);
          if (--left === 0) finish();
        });
      }
    });
  });
}
