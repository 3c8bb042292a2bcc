/**
 * IPv4 and IPv6 addresses and CIDR ranges for the IpAddress / NotIpAddress condition operators.
 * Addresses are read as big integers so that one comparison serves both families.
 */

export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

function parseIpv4(text: string): IpAddress | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  let value = 0n;
  for (const part of m.slice(1)) {
    const octet = Number(part);
    if (octet > 255) return null;
    value = (value << 8n) | BigInt(octet);
  }
  return { family: 4, value };
}

function hextets(part: string): number[] | null {
  if (part === '') return [];
  const groups = part.split(':'); // not an ARN: IPv6 hextets
  const out: number[] = [];
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    out.push(parseInt(g, 16));
  }
  return out;
}

/** Replaces an embedded dotted IPv4 tail (`::ffff:192.0.2.1`) by its two hextets. */
function expandDottedTail(text: string): string | null {
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (!tail.includes('.')) return text;
  const v4 = parseIpv4(tail);
  if (!v4) return null;
  const high = Number(v4.value >> 16n).toString(16);
  const low = Number(v4.value & 0xffffn).toString(16);
  return `${text.slice(0, lastColon + 1)}${high}:${low}`;
}

function parseIpv6(raw: string): IpAddress | null {
  const text = expandDottedTail(raw);
  if (text === null || !/^[0-9a-fA-F:]+$/.test(text)) return null;
  const halves = text.split('::'); // not an ARN: the IPv6 zero run
  if (halves.length > 2) return null;
  const head = hextets(halves[0] ?? '');
  const tail = halves.length === 2 ? hextets(halves[1] ?? '') : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return { family: 6, value };
}

/** Parses an IPv4 or IPv6 address (no zone index); null when the text is neither. */
export function parseIpAddress(text: string): IpAddress | null {
  const t = text.trim();
  if (t.length === 0 || t.length > 64) return null;
  return t.includes(':') ? parseIpv6(t) : parseIpv4(t);
}

export interface CidrRange {
  family: 4 | 6;
  network: bigint;
  bits: number;
}

/** Parses `address/bits` (or a bare address, a single host); null when malformed. */
export function parseCidr(text: string): CidrRange | null {
  const slash = text.indexOf('/');
  const address = parseIpAddress(slash < 0 ? text : text.slice(0, slash));
  if (!address) return null;
  const width = address.family === 4 ? 32 : 128;
  const bitsText = slash < 0 ? String(width) : text.slice(slash + 1).trim();
  if (!/^\d{1,3}$/.test(bitsText)) return null;
  const bits = Number(bitsText);
  if (bits > width) return null;
  return { family: address.family, network: address.value, bits };
}

/** True when the address lies in the range; an address of the other family never does. */
export function inRange(address: IpAddress, range: CidrRange): boolean {
  if (address.family !== range.family) return false;
  const width = BigInt(address.family === 4 ? 32 : 128);
  const shift = width - BigInt(range.bits);
  return address.value >> shift === range.network >> shift;
}
