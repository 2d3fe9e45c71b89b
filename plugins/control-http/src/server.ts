import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { rmSync } from 'node:fs';
import { PilotError, type ControlServerHandle, type PluginContext } from '@pilot/core';
import { createApiHandler } from './api.js';
import { EventStream } from './event-stream.js';
import { assertNoLivePilot, describeOwner, readControlFile } from './liveness.js';
import { controlLocations } from './locations.js';
import type { ControlHttpOptions } from './options.js';
import { ensureParentDirectory, ensurePrivateDirectory, removeQuietly, writePrivateFile } from './private-files.js';
import { rawErrorResponse, reportError } from './respond.js';
import { BearerAuth, generateToken } from './security.js';
import { listenOnUnixSocket, removeOwnSocket, type SocketIdentity } from './unix-socket.js';

/** What `control_server: http` is started with. */
export interface StartContext {
  options: ControlHttpOptions;
  pilot: PluginContext;
  baseDirectory: string;
  manifestPath: string | undefined;
}

/**
 * Start the control API (docs/control-api.md): listen on the private unix socket or on
 * loopback TCP with a token, write control.json, and return a handle whose `close()` ends
 * every connection (idle, active, event streams) and removes the files it created.
 */
export async function startHttpControlServer(context: StartContext): Promise<ControlServerHandle> {
  const { options, pilot } = context;
  const locations = controlLocations(options, context.baseDirectory, context.manifestPath);
  ensurePrivateDirectory(locations.stateDirectory);
  await assertNoLivePilot(locations.controlFile);
  const token = options.token ?? (options.tcp ? generateToken() : undefined);
  const events = new EventStream();
  const server = createHttpServer(options.request_timeout_ms);
  limitConnections(server, options.max_connections, pilot);
  // Accept failures (EMFILE, ...) are emitted on the server; unhandled they would crash the pilot.
  server.on('error', (error) => {
    if (server.listening) reportError(pilot, new PilotError('PILOT_PLUGIN_HOOK', `[plugin @pilot/plugin-control-http] control server error: ${error.message}`, { cause: error, plugin: '@pilot/plugin-control-http' }));
  });
  const handler = createApiHandler({
    pilot,
    events,
    transport: options.tcp ? 'tcp' : 'unix',
    auth: token === undefined ? undefined : new BearerAuth(token),
    maxBodyBytes: options.max_body_bytes,
  });
  server.on('request', handler);
  // Handled like any request: the handler sends 100 Continue only after the token and other header checks.
  server.on('checkContinue', handler);
  let socket: SocketIdentity | undefined;
  let url: string | null = null;
  try {
    if (options.tcp) url = await listenOnTcp(server, options.tcp);
    else {
      ensureParentDirectory(locations.socket!);
      socket = await listenOnUnixSocket(server, locations.socket!, () => describeOwner(locations.controlFile));
    }
    if (options.tcp && options.token === undefined) writePrivateFile(locations.tokenFile, `${token}\n`);
    writePrivateFile(locations.controlFile, `${JSON.stringify({ socket: socket?.path ?? null, url, pid: process.pid })}\n`);
  } catch (error) {
    server.close();
    server.closeAllConnections();
    if (socket) removeOwnSocket(socket);
    // A per-process runtime directory is nobody else's: leave nothing behind.
    if (locations.perProcess) rmSync(locations.stateDirectory, { recursive: true, force: true });
    throw error;
  }
  // A client of core's read model: the pilot's state changes and lines, fanned out to the event streams.
  const unsubscribe = pilot.subscribe((event) => events.publish(event), ['state', 'log']);
  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    unsubscribe();
    events.closeAll();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // close() alone waits for idle keep-alive and streaming connections: end them all now.
    server.closeAllConnections();
    await closed;
    if (socket) removeOwnSocket(socket);
    if (readControlFile(locations.controlFile)?.pid === process.pid) removeQuietly(locations.controlFile);
    if (options.tcp && options.token === undefined) removeQuietly(locations.tokenFile);
    if (locations.perProcess) rmSync(locations.stateDirectory, { recursive: true, force: true });
  };
  return {
    address: socket?.path ?? url ?? undefined,
    close: () => (closing ??= close()),
  };
}

/** node:http server with the request timeout applied to headers and body alike. */
function createHttpServer(requestTimeoutMs: number): Server {
  const server = createServer({
    requestTimeout: requestTimeoutMs,
    headersTimeout: requestTimeoutMs,
    // How often expired requests are looked for: the default (30 s) would stretch short timeouts.
    connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(requestTimeoutMs / 4))),
    // Over the unix socket a request may omit Host; over TCP the API itself demands it (403).
    requireHostHeader: false,
  });
  const responses = new WeakMap<Socket, ServerResponse>();
  const remember = (req: IncomingMessage, res: ServerResponse) => responses.set(req.socket, res);
  server.on('request', remember);
  server.on('checkContinue', remember);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || responses.get(socket)?.headersSent) {
      socket.destroy();
      return;
    }
    const [status, reason, message]: [number, string, string] =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', `request not received within request_timeout_ms (${requestTimeoutMs} ms)`]
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'Request Header Fields Too Large', 'request headers too large']
          : [400, 'Bad Request', `malformed HTTP request (${error.code ?? error.message})`];
    socket.end(rawErrorResponse(status, reason, message), () => socket.destroy());
  });
  return server;
}

/** At most one report per this many ms of connections refused for the limit. */
const REFUSED_REPORT_MS = 60_000;

/**
 * Refuse connections past `max`: node closes the accepted handle before creating a socket or
 * reading a byte, so a flood of connections costs an accept and a close each. Refusals are
 * reported, at most once a minute with the count, so that a flood cannot flood the log too.
 */
function limitConnections(server: Server, max: number, pilot: PluginContext): void {
  server.maxConnections = max;
  let refused = 0;
  let lastReport = -Infinity;
  server.on('drop', () => {
    refused += 1;
    if (Date.now() - lastReport < REFUSED_REPORT_MS) return;
    lastReport = Date.now();
    const message = `[plugin @pilot/plugin-control-http] refused ${refused} connection${refused === 1 ? '' : 's'}: max_connections (${max}) are open; raise control_server.options.max_connections if these clients are yours`;
    refused = 0;
    reportError(pilot, new PilotError('PILOT_PLUGIN_HOOK', message, { plugin: '@pilot/plugin-control-http' }));
  });
}

function listenOnTcp(server: Server, tcp: NonNullable<ControlHttpOptions['tcp']>): Promise<string> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const hint = error.code === 'EADDRINUSE' ? '; another program uses it: choose another control_server.options.tcp.port, or 0 for a free one' : '';
      reject(new PilotError('PILOT_INVALID_ARGUMENT', `control server: cannot listen on ${tcp.host}:${tcp.port}: ${error.message}${hint}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen({ host: tcp.host, port: tcp.port }, () => {
      server.off('error', onError);
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error(`unexpected TCP address ${String(address)}`));
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve(`http://${host}:${address.port}`);
    });
  });
}
