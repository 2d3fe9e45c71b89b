import { isAction, ACTIONS, type Action } from './actions.js';
import { HttpError } from './respond.js';

/** A request matched to one of the API's routes. */
export type Route =
  | { kind: 'list' }
  | { kind: 'process'; name: string }
  | { kind: 'logs'; name: string; lines: number }
  | { kind: 'action'; name: string; action: Action }
  | { kind: 'events' }
  | { kind: 'metrics' };

/** Default and largest `?lines=` of the logs route. */
export const DEFAULT_LOG_LINES = 100;
export const MAX_LOG_LINES = 10_000;

const notFound = (path: string) =>
  new HttpError(404, `no route ${path}; routes: /v1/processes, /v1/processes/:name, /v1/processes/:name/{logs,${ACTIONS.join(',')}}, /v1/events, /metrics`);

function allow(method: string | undefined, allowed: 'GET' | 'POST', path: string): void {
  if (method === allowed) return;
  throw new HttpError(405, `${method ?? '?'} is not allowed on ${path}; use ${allowed}`, { allow: allowed });
}

function segments(path: string): string[] {
  try {
    return path.split('/').slice(1).map(decodeURIComponent);
  } catch {
    throw new HttpError(400, `malformed percent-encoding in ${path}`);
  }
}

function logLines(query: URLSearchParams): number {
  const raw = query.get('lines');
  if (raw === null) return DEFAULT_LOG_LINES;
  const lines = Number(raw);
  if (!/^\d+$/.test(raw) || lines > MAX_LOG_LINES) throw new HttpError(400, `lines: expected an integer 0-${MAX_LOG_LINES}, got "${raw}"`);
  return lines;
}

/** Match method and URL to a route: 404 for an unknown path, 405 for a wrong method, 400 for a bad query. */
export function matchRoute(method: string | undefined, url: string | undefined): Route {
  const raw = url ?? '/';
  const question = raw.indexOf('?');
  const path = question === -1 ? raw : raw.slice(0, question);
  const query = new URLSearchParams(question === -1 ? '' : raw.slice(question + 1));
  const checked = (allowed: 'GET' | 'POST', route: Route): Route => {
    allow(method, allowed, path);
    return route;
  };
  if (path === '/metrics') return checked('GET', { kind: 'metrics' });
  if (path === '/v1/events') return checked('GET', { kind: 'events' });
  if (path === '/v1/processes') return checked('GET', { kind: 'list' });
  const parts = segments(path);
  const name = parts[2];
  if (parts[0] !== 'v1' || parts[1] !== 'processes' || parts.length > 4 || !name) throw notFound(path);
  const tail = parts[3];
  if (tail === undefined) return checked('GET', { kind: 'process', name });
  if (tail === 'logs') return checked('GET', { kind: 'logs', name, lines: logLines(query) });
  if (isAction(tail)) return checked('POST', { kind: 'action', name, action: tail });
  throw notFound(path);
}
