/**
 * What the first bytes of an input are: gzip (CloudTrail's S3 objects, whatever the file is called),
 * text to read as JSON, or something the reader cannot use, said once instead of one error per line.
 */
export type InputFormat = { kind: 'gzip' } | { kind: 'text' } | { kind: 'unsupported'; reason: string };

/** How many leading bytes {@link sniffFormat} looks at to tell text from binary data. */
export const SNIFF_BYTES = 8192;

const MAGIC: Array<{ bytes: number[]; reason: string }> = [
  { bytes: [0x42, 0x5a, 0x68], reason: 'bzip2-compressed: decompress it first (bunzip2)' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], reason: 'zstd-compressed: decompress it first (zstd -d)' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], reason: 'xz-compressed: decompress it first (xz -d)' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], reason: 'a zip archive: extract it first (unzip)' },
  { bytes: [0x50, 0x41, 0x52, 0x31], reason: 'a Parquet file (CloudTrail Lake or Athena export), not CloudTrail JSON' },
];

function startsWith(head: Uint8Array, bytes: number[]): boolean {
  return head.length >= bytes.length && bytes.every((b, i) => head[i] === b);
}

/**
 * Classifies an input by its first bytes (up to {@link SNIFF_BYTES}). Text is what JSON can be: UTF-8
 * without NUL bytes and with few other control characters; anything else is binary data.
 */
export function sniffFormat(head: Uint8Array): InputFormat {
  if (startsWith(head, [0x1f, 0x8b])) return { kind: 'gzip' };
  for (const m of MAGIC) if (startsWith(head, m.bytes)) return { kind: 'unsupported', reason: m.reason };
  const sample = head.subarray(0, SNIFF_BYTES);
  let control = 0;
  for (const b of sample) {
    if (b === 0) return { kind: 'unsupported', reason: 'binary data (NUL bytes), not CloudTrail JSON text' };
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12) control++;
  }
  if (sample.length > 0 && control / sample.length > 0.1) return { kind: 'unsupported', reason: 'binary data, not CloudTrail JSON text' };
  if (!plausibleUtf8(sample)) return { kind: 'unsupported', reason: 'binary data (not UTF-8 text), not CloudTrail JSON' };
  return { kind: 'text' };
}

/** True when invalid UTF-8 sequences are rare (a chunk boundary or one odd byte is not binary data). */
function plausibleUtf8(bytes: Uint8Array): boolean {
  let invalid = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b < 0x80) continue;
    const extra = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (extra < 0) {
      invalid++;
      continue;
    }
    let ok = true;
    for (let k = 1; k <= extra && i + k < bytes.length; k++) if (((bytes[i + k] as number) & 0xc0) !== 0x80) ok = false;
    if (ok) i += extra;
    else invalid++;
  }
  return invalid <= Math.max(2, bytes.length / 100);
}
