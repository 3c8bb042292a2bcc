/** Types for deploy/zip.js. */
export interface ZipEntry {
  name: string;
  /** Uncompressed size in bytes. */
  size: number;
  /** The entry's uncompressed bytes. */
  read(): Buffer;
}

/** Lists the entries of a zip archive (stored or deflated, no zip64). */
export function readZipEntries(buffer: Buffer): ZipEntry[];
