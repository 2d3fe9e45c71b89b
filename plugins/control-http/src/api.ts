import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PluginContext } from '@pilot/core';
import { runAction } from './actions.js';
import { checkDeclaredLength, readBody } from './body.js';
import type { EventStream } from './event-stream.js';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.js';
import { processView } from './process-view.js';
import { HttpError, sendError, sendJson } from './respond.js';
import { matchRoute, type Route } from './routes.js';
import { checkHostAndOrigin, type BearerAuth } from './security.js';

/** What the request handler works with. */
export interface ApiContext {
  pilot: PluginContext;
  events: EventStream;
  transport: 'unix' | 'tcp';
  /** Set when a token is required. */
  auth: BearerAuth | undefined;
  maxBodyBytes: number;
}

/**
 * The control API's request handler. Checks run before anything is dispatched, cheapest and
 * most telling first: Host/Origin (403), token (401), declared size (413), route (404/405) on
 * the headers alone (the server also passes it `Expect: 100-continue` requests, which are told
 * to continue only once admitted), then body (413), process name (404). Only then does the
 * route touch the pilot.
 */
export function createApiHandler(context: ApiContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(context, req, res).catch((error: unknown) => sendError(res, error, !req.complete));
  };
}

async function handle(context: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const route = admit(context, req);
  // Only an admitted client is invited to send its body (Node would otherwise say 100 Continue to anyone).
  if (/^100-continue$/i.test(req.headers.expect ?? '')) res.writeContinue();
  // No route takes a body; it is read (bounded) so that the connection can be reused.
  await readBody(req, context.maxBodyBytes);
  if ('name' in route && !context.pilot.manifest.processes.some((spec) => spec.name === route.name)) {
    const known = context.pilot.manifest.processes.map((spec) => spec.name);
    throw new HttpError(404, `no process is named "${route.name}"; known: ${known.join(', ')}`);
  }
  await serve(context, route, req, res);
}

/** The checks made on the headers alone, before a byte of the body is read. */
function admit(context: ApiContext, req: IncomingMessage): Route {
  checkHostAndOrigin(req, context.transport);
  context.auth?.check(req);
  checkDeclaredLength(req, context.maxBodyBytes);
  return matchRoute(req.method, req.url);
}

async function serve(context: ApiContext, route: Route, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { pilot } = context;
  switch (route.kind) {
    case 'list':
      return sendJson(res, 200, { processes: pilot.snapshot().processes.map(processView) });
    case 'process':
      return sendJson(res, 200, view(pilot, route.name));
    case 'logs':
      return sendJson(res, 200, { lines: route.lines === 0 ? [] : pilot.logs(route.name, route.lines) });
    case 'action':
      await runAction(pilot, route.name, route.action);
      return sendJson(res, 200, view(pilot, route.name));
    case 'events':
      return context.events.open(res);
    case 'metrics': {
      const text = renderMetrics(pilot.snapshot());
      res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
      res.end(text);
      return;
    }
  }
}

function view(pilot: PluginContext, name: string) {
  const process = pilot.snapshot().processes.find((entry) => entry.name === name);
  if (!process) throw new HttpError(404, `no process is named "${name}"`);
  return processView(process);
}
