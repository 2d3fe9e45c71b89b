import type { Socket } from 'node:net';

/**
 * True for a TCP self-connection. Connecting to a loopback port nobody listens on, Linux may
 * pick that very port as the source port, and the socket then connects to itself (simultaneous
 * open): measured about once in 15 000 attempts for a port in the ephemeral range. No server is
 * there, so it must not count.
 */
export function isSelfConnection(socket: Socket): boolean {
  return socket.localPort === socket.remotePort && socket.localAddress === socket.remoteAddress;
}
