import type { RequestListener, Server } from 'node:http';
import { mkdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { StoreDamagedError, StoreError } from '../errors';
import { lockDataDir, type DataDirLock } from './data-dir-lock';
import { inspectLevelDb } from './leveldb-check';
import { readStoreMarker, writeStoreMarker, type StoreMarker } from './store-marker';
import { guardRequests } from './request-guard';
import { snapshotLevelDb } from './snapshot';
import { InProcessRequestHandler } from './in-process-handler';
import { withTableDescriptionCache } from './table-cache';

/** Options of {@link startEmbeddedDynamoDB}. */
export interface EmbeddedDynamoDBOptions {
  /** LevelDB directory (created if missing) that keeps the tables across runs. */
  dataDir?: string;
  /** Keep everything in memory even when `dataDir` is given (tests). Default: in memory only without `dataDir`. */
  inMemory?: boolean;
  /**
   * For reading commands: the directory must exist, and dynalite opens a private copy of it
   * (snapshot.ts), so that reading never changes a byte of it (LevelDB writes when it opens).
   */
  readOnly?: boolean;
}

/** A running embedded DynamoDB and a client bound to it. */
export interface EmbeddedDynamoDB {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  client: DynamoDBClient;
  /**
   * The data directory's lock (absent in memory): its owner token names this process's leases, and
   * `previous` the owner of a lock taken over from a process that had ended.
   */
  lock?: DataDirLock;
  /** What the data directory's marker says it held; undefined when it has none (new, or from before the marker). */
  marker?: StoreMarker;
  /** Records that the data directory holds `tableName`, so that its loss is never mistaken for a new store. */
  recordTable(tableName: string): Promise<void>;
  /**
   * Destroys the client, then stops the server, closes the LevelDB store (flushing it to `dataDir`) and
   * releases the lock. Rejects with a StoreDamagedError when LevelDB failed while the store was open.
   */
  close(): Promise<void>;
}

const openStores = new Set<EmbeddedDynamoDB>();

/** Closes every embedded store this process has open (the CLI's signal handlers, before exiting). */
export async function closeAllEmbedded(): Promise<void> {
  await Promise.allSettled([...openStores].map((db) => db.close()));
}

/**
 * Starts the embedded default: the DynamoDB API served in-process by dynalite on a random loopback port,
 * persisted under `dataDir` (LevelDB) or in memory, and a real SDK client pointed at it. The same store
 * code then runs here and against AWS. Only one embedded server can open a given `dataDir` at a time: a
 * second one fails with a StoreError naming the process that holds it.
 */
/** dynalite, on LevelDB under `levelDir` (in memory without one), its table descriptions cached. */
function dynaliteServer(levelDir: string | undefined): Server {
  return withTableDescriptionCache(() =>
    // Tables are usable at once: nothing to wait for locally.
    dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(levelDir === undefined ? {} : { path: levelDir }) }),
  );
}

export async function startEmbeddedDynamoDB(options: EmbeddedDynamoDBOptions = {}): Promise<EmbeddedDynamoDB> {
  const dataDir = options.inMemory === true ? undefined : options.dataDir;
  const opened = dataDir === undefined ? undefined : await openDataDir(dataDir, options.readOnly === true);
  const releaseLock = async (): Promise<void> => {
    await opened?.lock.release();
    if (opened?.levelDir !== dataDir && opened) await rm(opened.levelDir, { recursive: true, force: true });
  };
  const persistent = dataDir !== undefined;
  const server = dynaliteServer(opened?.levelDir);
  let fault: Error | undefined;
  // Before the client takes the request listener: the in-process transport calls the guarded one.
  guardRequests(server, (error) => {
    fault ??= error;
  });
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
    closing ??= new Promise<Error | undefined>((resolve) => {
      client.destroy();
      server.close((err) => resolve(err ?? undefined));
      // Idle keep-alive sockets would otherwise hold the server open.
      server.closeAllConnections();
    }).then(async (err) => {
      openStores.delete(embedded);
      // The lock goes whatever happened: a damaged store is reported, not held.
      await releaseLock();
      if (fault && dataDir !== undefined) throw new StoreDamagedError(dataDir, `LevelDB failed: ${fault.message}`, { cause: fault, stopped: true });
      if (err) throw new StoreError('could not stop the embedded DynamoDB', { operation: 'close', cause: err });
    });
    return closing;
  };
  const embedded: EmbeddedDynamoDB = {
    endpoint,
    client,
    lock: opened?.lock,
    marker: opened?.marker,
    recordTable: (tableName) => recordTable(opened, tableName, options.readOnly === true, embedded),
    close,
  };
  openStores.add(embedded);
  return embedded;
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

async function recordTable(opened: OpenedDataDir | undefined, tableName: string, readOnly: boolean, embedded: EmbeddedDynamoDB): Promise<void> {
  if (!opened) return;
  if (readOnly) throw new StoreError(`${opened.dataDir} is open read-only`, { operation: 'recordTable' });
  if (opened.marker?.tables.includes(tableName)) return;
  opened.marker = await writeStoreMarker(opened.dataDir, tableName, opened.marker);
  embedded.marker = opened.marker;
}

interface OpenedDataDir {
  dataDir: string;
  lock: DataDirLock;
  /** Where LevelDB opens: the data directory, or a private copy of it when read-only. */
  levelDir: string;
  marker?: StoreMarker;
}

/**
 * Locks the data directory and checks it before LevelDB sees it (leveldb-check.ts): a directory that
 * held a store (its marker, or LevelDB's files) must still have every file, or nothing opens it and the
 * lock is released.
 */
async function openDataDir(dataDir: string, readOnly: boolean): Promise<OpenedDataDir> {
  if (!readOnly) await mkdir(dataDir, { recursive: true });
  const lock = await lockDataDir(dataDir);
  try {
    const marker = await readStoreMarker(dataDir);
    const state = await inspectLevelDb(dataDir);
    if (state.kind === 'damaged') throw new StoreDamagedError(dataDir, state.problem);
    if (state.kind === 'empty' && marker)
      throw new StoreDamagedError(dataDir, `its LevelDB files are gone (it held ${marker.tables.join(', ')} since ${marker.createdAt})`);
    const levelDir = readOnly ? await snapshotLevelDb(dataDir) : dataDir;
    return { dataDir, lock, levelDir, marker };
  } catch (err) {
    await lock.release();
    throw err;
  }
}
