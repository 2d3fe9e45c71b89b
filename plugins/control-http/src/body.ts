import type { IncomingMessage } from 'node:http';
import { HttpError } from './respond.js';

const tooLarge = (limit: number) => new HttpError(413, `request body larger than max_body_bytes (${limit} bytes); send a smaller body`);

/** Reject at once (413) a request whose Content-Length announces more than `limit` bytes. */
export function checkDeclaredLength(req: IncomingMessage, limit: number): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
}

/**
 * Read the request body, at most `limit` bytes (413 past it, without buffering the rest).
 * Slow bodies are bounded by the server's request timeout (408), not here.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (req.complete) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new HttpError(400, 'the client closed the connection before the body was complete'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
