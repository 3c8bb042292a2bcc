import { EventEmitter } from 'node:events';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { HttpHandler } from '@smithy/core/protocols';
import type { HttpRequest, HttpResponse } from '@smithy/core/transport';

/**
 * The SDK client's transport for the embedded default: hands each request, serialised and signed by the
 * real SDK as for AWS, straight to dynalite's own request listener, and the listener's response back to
 * the SDK's deserialiser, without a socket. The HTTP round trip over loopback (client and server
 * streams, headers, parsing, the socket writes) cost about a third of a call's CPU on this one event
 * loop; both ends stay the real ones (the SDK's serialisers and middleware, dynalite's validation and
 * its LevelDB store).
 *
 * Only what dynalite's listener reads is provided: method, url, headers, the body as `data`/`end`
 * events; and on the response `statusCode`, `setHeader`, `writeHead` and `end(body)`.
 */
export class InProcessRequestHandler implements HttpHandler {
  readonly metadata = { handlerProtocol: 'in-process' };

  /**
   * @param requestTimeoutMs the backstop for a store that never answers (a LevelDB store that could not
   * open): the request fails instead of hanging.
   */
  constructor(
    private readonly listener: RequestListener,
    private readonly requestTimeoutMs = 30_000,
  ) {}

  handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new Error(`the embedded DynamoDB did not answer within ${this.requestTimeoutMs} ms`);
        error.name = 'TimeoutError';
        reject(error);
      }, this.requestTimeoutMs);
      timer.unref();
      const req = new FakeRequest(request);
      const res = new FakeResponse(
        (response) => {
          clearTimeout(timer);
          resolve({ response });
        },
        (error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
      try {
        this.listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
        req.deliver();
      } catch (err) {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}
}

/** What dynalite's listener reads of an incoming request. */
class FakeRequest extends EventEmitter {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  private readonly body: Buffer;

  constructor(request: HttpRequest) {
    super();
    this.method = request.method;
    this.url = request.path + queryString(request.query);
    this.headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
    this.body = toBuffer(request.body);
  }

  /** The body, as a socket would: one chunk, then the end. */
  deliver(): void {
    if (this.body.length > 0) this.emit('data', this.body);
    this.emit('end');
  }
}

/**
 * What dynalite's listener writes of its response, handed to the SDK as it ends. An emitter with
 * `writeHead`, `headersSent` and `destroy`, as request-guard.ts answers a LevelDB fault with them.
 */
class FakeResponse extends EventEmitter {
  statusCode = 200;
  /** dynalite keeps the negotiated content type here. */
  contentType?: string;
  headersSent = false;
  private readonly headers: Record<string, string> = {};

  constructor(
    private readonly done: (response: HttpResponse) => void,
    private readonly fail: (error: Error) => void,
  ) {
    super();
  }

  setHeader(name: string, value: string | number): this {
    this.headers[name.toLowerCase()] = String(value);
    return this;
  }

  writeHead(statusCode: number, headers: Record<string, string | number> = {}): this {
    this.statusCode = statusCode;
    for (const [name, value] of Object.entries(headers)) this.setHeader(name, value);
    return this;
  }

  end(body?: string | Buffer): void {
    if (this.headersSent) return;
    this.headersSent = true;
    const bytes = body === undefined ? new Uint8Array(0) : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    this.done({ statusCode: this.statusCode, headers: this.headers, body: bytes });
  }

  /** The guard gave up on a response already begun: the call fails rather than waiting for the timeout. */
  destroy(): void {
    if (this.headersSent) return;
    this.headersSent = true;
    this.fail(new Error('the embedded DynamoDB dropped the request'));
  }
}

function queryString(query: HttpRequest['query']): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      parts.push(v === null ? encodeURIComponent(key) : `${encodeURIComponent(key)}=${encodeURIComponent(v)}`);
    }
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

function toBuffer(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('the embedded DynamoDB transport takes string or byte bodies only');
}
