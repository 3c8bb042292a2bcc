import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Checks a LevelDB directory before anything opens it. LevelDB "repairs" what it finds: with CURRENT
 * missing it starts an empty database and deletes the table files it no longer references, and a
 * corrupt file surfaces later as an error thrown inside dynalite. So the structure is checked here first,
 * without writing: CURRENT names a manifest that exists, the manifest's records are intact (CRC-32C), and
 * every table file it lists as live is present with its recorded size.
 */

export type DataDirState = { kind: 'empty' } | { kind: 'ok'; tableFiles: number } | { kind: 'damaged'; problem: string };

const LEVELDB_DATA = /^(CURRENT|MANIFEST-\d+|\d+\.(log|ldb|sst))$/;

export async function inspectLevelDb(dir: string): Promise<DataDirState> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'empty' };
    return { kind: 'damaged', problem: `it cannot be read (${(err as Error).message})` };
  }
  if (!names.some((n) => LEVELDB_DATA.test(n))) return { kind: 'empty' };
  if (!names.includes('CURRENT')) return { kind: 'damaged', problem: 'its file CURRENT is missing' };
  const current = (await readFile(join(dir, 'CURRENT'), 'utf8').catch(() => '')).trim();
  if (!/^MANIFEST-\d+$/.test(current)) return { kind: 'damaged', problem: 'its file CURRENT does not name a manifest' };
  if (!names.includes(current)) return { kind: 'damaged', problem: `the manifest ${current} named by CURRENT is missing` };
  let manifest: Manifest;
  try {
    manifest = parseManifest(await readFile(join(dir, current)));
  } catch (err) {
    return { kind: 'damaged', problem: `its manifest ${current} is corrupt (${(err as Error).message})` };
  }
  for (const [number, size] of manifest.liveFiles) {
    const name = names.find((n) => n === `${pad(number)}.ldb` || n === `${pad(number)}.sst`);
    if (!name) return { kind: 'damaged', problem: `its table file ${pad(number)}.ldb is missing` };
    const actual = (await stat(join(dir, name))).size;
    if (actual !== size) return { kind: 'damaged', problem: `its table file ${name} has ${actual} bytes instead of ${size}` };
  }
  const logs = names.map((n) => /^(\d+)\.log$/.exec(n)?.[1]).filter((n): n is string => n !== undefined);
  if (manifest.logNumber !== undefined && manifest.logNumber > 0 && !logs.some((n) => Number(n) >= manifest.logNumber!)) {
    return { kind: 'damaged', problem: `its write-ahead log ${pad(manifest.logNumber)}.log is missing` };
  }
  return { kind: 'ok', tableFiles: manifest.liveFiles.size };
}

const pad = (n: number): string => String(n).padStart(6, '0');

interface Manifest {
  logNumber?: number;
  /** Live table files: number → size in bytes. */
  liveFiles: Map<number, number>;
}

const BLOCK_SIZE = 32768;
const HEADER_SIZE = 7;

/** The records of a LevelDB log file (the manifest's format); a torn last record ends it, as in LevelDB. */
export function* logRecords(data: Buffer): Generator<Buffer> {
  let pending: Buffer[] = [];
  let offset = 0;
  while (offset + HEADER_SIZE <= data.length) {
    const left = BLOCK_SIZE - (offset % BLOCK_SIZE);
    if (left < HEADER_SIZE) {
      offset += left; // Block trailer.
      continue;
    }
    const length = data.readUInt16LE(offset + 4);
    const type = data[offset + 6]!;
    if (type === 0 && length === 0) return; // Preallocated zeroes.
    if (offset + HEADER_SIZE + length > data.length) return; // Torn write at the end.
    const payload = data.subarray(offset + HEADER_SIZE, offset + HEADER_SIZE + length);
    const expected = unmask(data.readUInt32LE(offset));
    if (crc32c(Buffer.concat([Buffer.of(type), payload])) !== expected) throw new Error(`checksum mismatch at byte ${offset}`);
    offset += HEADER_SIZE + length;
    if (type === 1) yield payload;
    else if (type === 2) pending = [payload];
    else if (type === 3) pending.push(payload);
    else if (type === 4) {
      pending.push(payload);
      yield Buffer.concat(pending);
      pending = [];
    } else throw new Error(`unknown record type ${type}`);
  }
}

/** Replays the manifest's version edits: which table files are live, which log is current. */
export function parseManifest(data: Buffer): Manifest {
  const manifest: Manifest = { liveFiles: new Map() };
  let records = 0;
  for (const record of logRecords(data)) {
    records++;
    applyVersionEdit(record, manifest);
  }
  if (records === 0) throw new Error('no records');
  return manifest;
}

function applyVersionEdit(record: Buffer, manifest: Manifest): void {
  const reader = new Reader(record);
  while (!reader.done()) {
    const tag = reader.varint();
    switch (tag) {
      case 1: // Comparator name.
        reader.bytes();
        break;
      case 2:
        manifest.logNumber = reader.varint();
        break;
      case 3: // Next file number.
      case 4: // Last sequence.
      case 9: // Previous log number.
        reader.varint();
        break;
      case 5: // Compaction pointer: level, key.
        reader.varint();
        reader.bytes();
        break;
      case 6: {
        reader.varint();
        manifest.liveFiles.delete(reader.varint());
        break;
      }
      case 7: {
        reader.varint();
        const number = reader.varint();
        manifest.liveFiles.set(number, reader.varint());
        reader.bytes();
        reader.bytes();
        break;
      }
      default:
        throw new Error(`unknown version edit tag ${tag}`);
    }
  }
}

class Reader {
  private offset = 0;
  constructor(private readonly data: Buffer) {}
  done(): boolean {
    return this.offset >= this.data.length;
  }
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.offset >= this.data.length) throw new Error('truncated varint');
      const byte = this.data[this.offset++]!;
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new Error('varint too long');
  }
  bytes(): Buffer {
    const length = this.varint();
    if (this.offset + length > this.data.length) throw new Error('truncated string');
    const out = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();

export function crc32c(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** LevelDB stores checksums masked (rotated and offset) so that a checksum of checksummed data looks random. */
function unmask(masked: number): number {
  const rot = (masked - 0xa282ead8) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}
