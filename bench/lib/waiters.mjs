// Readiness waiters the pilot is compared with, written here in plain Node:
// - poll100: check every 100 ms, the next check only after the previous one finished
//   (process_pilot's method);
// - waitOn: a re-implementation of wait-on's default behaviour (wait-on is not a dependency of
//   this repository): a check every 250 ms started on a timer whether or not the previous one
//   finished, tcp connect timeout 300 ms, HTTP HEAD accepting 2xx, and for files a 750 ms
//   stability window (the size must be seen unchanged for 750 ms). wait-on has no FIFO resource.
// Each resolves once ready and rejects when `signal` aborts.
import { closeSync, constants, lstatSync, openSync, readSync, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';

/** Resolve true when a TCP connection to localhost:port succeeds, false on error or timeout. */
function tcpOpen(port, timeoutMs) {
  return new Promise((resolve) => {
    const socket = connect(port, 'localhost');
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    if (timeoutMs) socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Resolve true when `method http://localhost:port/` answers with a status accepted by `ok`. */
function httpOk(port, method, ok) {
  return new Promise((resolve) => {
    const req = request({ host: 'localhost', port, path: '/', method, agent: false }, (res) => {
      res.resume();
      resolve(ok(res.statusCode));
    });
    req.once('error', () => resolve(false));
    req.end();
  });
}

/** A FIFO reader for a poller: opens the FIFO (non-blocking) once it exists, keeps it open, reads. */
function fifoReader(path) {
  let fd;
  let text = '';
  return {
    check() {
      if (fd === undefined) {
        try {
          if (!lstatSync(path).isFIFO()) return false;
          fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
        } catch {
          return false;
        }
      }
      const buffer = Buffer.alloc(256);
      try {
        const n = readSync(fd, buffer, 0, buffer.length, null);
        text += buffer.toString('utf8', 0, n);
      } catch (error) {
        if (error.code !== 'EAGAIN') throw error;
      }
      return text.split('\n').includes('ready');
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

const sleep = (ms, signal) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/** process_pilot's method: check, sleep 100 ms, check again. */
export async function poll100(kind, target, signal) {
  const fifo = kind === 'fifo' ? fifoReader(target) : undefined;
  const check = {
    file: async () => existsSync(target),
    tcp: () => tcpOpen(target),
    http: () => httpOk(target, 'GET', (status) => status >= 200 && status < 400),
    fifo: async () => fifo.check(),
  }[kind];
  try {
    while (!signal.aborted) {
      if (await check()) return;
      await sleep(100, signal);
    }
    throw new Error('aborted');
  } finally {
    fifo?.close();
  }
}

/** wait-on's defaults, re-implemented (see the header). Not available for FIFOs. */
export function waitOn(kind, target, signal) {
  if (kind === 'fifo') throw new Error('wait-on has no FIFO resource');
  const INTERVAL = 250;
  const WINDOW = 750;
  return new Promise((resolve, reject) => {
    let settled = false;
    let last = { size: -1, t: Date.now() };
    const finish = (error) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      if (error) reject(error);
      else resolve();
    };
    const tick = async () => {
      let ready = false;
      if (kind === 'file') {
        const size = await stat(target).then((s) => s.size, () => -1);
        if (size > -1) {
          const now = Date.now();
          if (last.size !== -1 && size === last.size) ready = now >= last.t + WINDOW;
          else last = { size, t: now };
        }
      } else if (kind === 'tcp') {
        ready = await tcpOpen(target, 300);
      } else if (kind === 'http') {
        ready = await httpOk(target, 'HEAD', (status) => status >= 200 && status < 300);
      }
      if (ready) finish();
    };
    const timer = setInterval(() => void tick(), INTERVAL);
    void tick(); // rxjs timer(0, interval): the first check at once
    signal.addEventListener('abort', () => finish(new Error('aborted')), { once: true });
  });
}
