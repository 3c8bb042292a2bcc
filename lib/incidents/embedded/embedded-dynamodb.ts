import type { RequestListener, Server } from 'node:http';
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { StoreError } from '../errors';
import { InProcessRequestHandler } from './in-process-handler';
import { withTableDescriptionCache } from './table-cache';

/** Options of {@link startEmbeddedDynamoDB}. */
export interface EmbeddedDynamoDBOptions {
  /** LevelDB directory (created if missing) that keeps the tables across runs. */
  dataDir?: string;
  /** Keep everything in memory even when `dataDir` is given (tests). Default: in memory only without `dataDir`. */
  inMemory?: boolean;
}

/** A running embedded DynamoDB and a client bound to it. */
export interface EmbeddedDynamoDB {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  client: DynamoDBClient;
  /** Destroys the client, then stops the server and closes the LevelDB store (flushing it to `dataDir`). */
  close(): Promise<void>;
}

/**
 * Starts the embedded default: the DynamoDB API served in-process by dynalite on a random loopback port,
 * persisted under `dataDir` (LevelDB) or in memory, and a real SDK client pointed at it. The same store
 * code then runs here and against AWS. Only one embedded server can open a given `dataDir` at a time: a
 * second one fails with a StoreError naming the process that holds it.
 */
export async function startEmbeddedDynamoDB(options: EmbeddedDynamoDBOptions = {}): Promise<EmbeddedDynamoDB> {
  const dataDir = options.inMemory === true ? undefined : options.dataDir;
  let releaseLock = async (): Promise<void> => undefined;
  if (dataDir !== undefined) {
    await mkdir(dataDir, { recursive: true });
    releaseLock = await lockDataDir(dataDir);
  }
  const persistent = dataDir !== undefined;
  const server = withTableDescriptionCache(() =>
    dynalite({
      // Tables are usable at once: nothing to wait for locally.
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
      ...(persistent ? { path: dataDir } : {}),
    }),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await releaseLock();
    throw new StoreError(`could not start the embedded DynamoDB${persistent ? ` in ${dataDir}` : ''}`, {
      operation: 'startEmbeddedDynamoDB',
      cause: err,
    });
  }
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    // dynalite checks that requests carry a SigV4 Authorization header, not what it signs: no HMAC work
    // for a store in this same process (see loopbackSigner).
    credentials: { accessKeyId: 'embedded', secretAccessKey: 'embedded' },
    signer: loopbackSigner,
    // A local failure is a bug, not a blip: fail fast instead of backing off.
    maxAttempts: 2,
    // In-process: the SDK's signed request goes straight to dynalite's request listener, no socket
    // (in-process-handler.ts; it fails a request unanswered after 30 s, for a LevelDB store that could not
    // open). The server still listens, for `endpoint` (other clients, tools).
    requestHandler: new InProcessRequestHandler(dynaliteListener(server)),
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      client.destroy();
      server.close((err) => {
        if (err) reject(new StoreError('could not stop the embedded DynamoDB', { operation: 'close', cause: err }));
        else releaseLock().then(resolve, reject);
      });
      // Idle keep-alive sockets would otherwise hold the server open.
      server.closeAllConnections();
    });
    return closing;
  };
  return { endpoint, client, close };
}

/**
 * Stands in for SigV4 on the in-process transport: the headers dynalite requires of a signed request
 * (an `AWS4-` Authorization with Credential, SignedHeaders and Signature, and X-Amz-Date), without the
 * hashing and HMACs of a real signature, which nobody here checks.
 */
const loopbackSigner = {
  sign: async <R extends { headers: Record<string, string> }>(request: R): Promise<R> => {
    const date = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    request.headers['x-amz-date'] = date;
    request.headers.authorization = `AWS4-HMAC-SHA256 Credential=embedded/${date.slice(0, 8)}/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=embedded`;
    return request;
  },
};

/** The request listener dynalite registered on its server: its whole request handling. */
function dynaliteListener(server: Server): RequestListener {
  const [listener] = server.listeners('request');
  if (typeof listener !== 'function') throw new StoreError('dynalite registered no request listener', { operation: 'startEmbeddedDynamoDB' });
  return listener as RequestListener;
}

const LOCK_FILE = 'access-auditor.lock';

/**
 * Takes the data directory for this process. LevelDB allows one opener, and dynalite reacts to a second
 * one by never answering its requests; a lock file with the owner's pid turns that into a clear error.
 * A lock left by a process that no longer runs is taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StoreError(`could not lock ${dataDir}`, { operation: 'startEmbeddedDynamoDB', cause: err });
      }
    }
    const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && owner > 0 && isRunning(owner)) {
      throw new StoreError(`${dataDir} is in use by process ${owner}${owner === process.pid ? ' (this one)' : ''}: stop it or use another --data-dir`, {
        operation: 'startEmbeddedDynamoDB',
      });
    }
    await unlink(path).catch(() => undefined);
  }
  throw new StoreError(`could not lock ${dataDir}: another process keeps taking it`, { operation: 'startEmbeddedDynamoDB' });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
