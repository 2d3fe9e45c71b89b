import { connect, type Socket } from 'node:net';

/** `open`: a connection was accepted; `closed`: refused, unreachable or reset. */
export type ConnectOutcome = 'open' | 'closed';

/**
 * True for a TCP self-connection. Connecting to a loopback port nobody listens on, Linux may
 * pick that very port as the source port, and the socket then connects to itself (simultaneous
 * open): measured about once in 15 000 attempts for a port in the ephemeral range. No server is
 * there, so it must not count.
 */
export function isSelfConnection(socket: Socket): boolean {
  return socket.localPort === socket.remotePort && socket.localAddress === socket.remoteAddress;
}

/**
 * One connection attempt to an IP literal (no DNS). Calls `onOutcome` once, unless cancelled
 * first; the socket is destroyed either way, so an accepted connection is closed at once.
 * A self-connection counts as `closed`.
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
  socket.once('connect', () => finish(isSelfConnection(socket) ? 'closed' : 'open'));
  socket.on('error', () => finish('closed'));
  return () => {
    done = true;
    socket.destroy();
  };
}
