import { connect } from 'node:net';

/** `open`: a connection was accepted; `closed`: refused, unreachable or reset. */
export type ConnectOutcome = 'open' | 'closed';

/**
 * One connection attempt to an IP literal (no DNS). Calls `onOutcome` once, unless cancelled
 * first; the socket is destroyed either way, so an accepted connection is closed at once.
 * Returns the cancel function. No timer per attempt: the caller expires hung attempts.
 */
export function connectOnce(address: string, port: number, onOutcome: (outcome: ConnectOutcome) => void): () => void {
  const socket = connect({ host: address, port });
  let done = false;
  const finish = (outcome: ConnectOutcome) => {
    if (done) return;
    done = true;
    socket.destroy();
    onOutcome(outcome);
  };
  socket.once('connect', () => finish('open'));
  socket.on('error', () => finish('closed'));
  return () => {
    done = true;
    socket.destroy();
  };
}
