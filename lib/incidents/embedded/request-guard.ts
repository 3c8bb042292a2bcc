import { create as createDomain } from 'node:domain';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * dynalite answers a LevelDB failure (a corrupt or truncated file, a database that could not open) by
 * throwing it from a callback, where nothing can catch it: the process dies with the data directory still
 * locked. A domain per request (the one tool that follows a request's callbacks) catches the throw, answers
 * that request with DynamoDB's InternalFailure, so the caller gets an ordinary failed call, and reports the
 * error once to `onFault`.
 */
export function guardRequests(server: Server, onFault: (error: Error) => void): void {
  const handlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const domain = createDomain();
    domain.on('error', (err: unknown) => {
      const error = err instanceof Error ? err : new Error(String(err));
      onFault(error);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const body = JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalFailure', message: `embedded store failure: ${error.message}` });
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    domain.add(req);
    domain.add(res);
    domain.run(() => {
      for (const handler of handlers) handler.call(server, req, res);
    });
  });
}
