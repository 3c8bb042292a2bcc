/**
 * IPv4 and IPv6 addresses and CIDR ranges, parsed by hand (no regex over the value, no DNS): a CloudTrail
 * `sourceIPAddress` is also a service name (`s3.amazonaws.com`) or `AWS Internal`, which is simply not an
 * address and matches no range.
 */
export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

export interface CidrRange {
  family: 4 | 6;
  network: bigint;
  prefix: number;
  text: string;
}

function parseIpv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || (part.length > 1 && part.startsWith('0'))) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseGroups(text: string): number[] | null {
  if (text === '') return [];
  const groups: number[] = [];
  const parts = text.split(':'); // not an ARN: IPv6 groups
  for (const group of parts) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return null;
    groups.push(parseInt(group, 16));
  }
  return groups;
}

function parseIpv6(text: string): bigint | null {
  let body = text;
  let tail: number[] = [];
  // An embedded IPv4 address (`::ffff:192.0.2.1`) stands for the last two groups.
  if (body.includes('.')) {
    const lastColon = body.lastIndexOf(':');
    if (lastColon < 0) return null;
    const v4 = parseIpv4(body.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = [Number(v4 >> 16n), Number(v4 & 0xffffn)];
    body = body.slice(0, lastColon + 1) + '0:0';
  }
  const halves = body.split('::'); // not an ARN: IPv6 zero run
  if (halves.length > 2) return null;
  const head = parseGroups(halves[0] ?? '');
  const rest = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (head === null || rest === null) return null;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - rest.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return null;
  if (tail.length === 2) groups.splice(6, 2, tail[0] ?? 0, tail[1] ?? 0);
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

const V4_MAPPED_PREFIX = 0xffffn << 32n;

/** An address, or null when the text is not one. IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is read as the IPv4 address. */
export function parseIp(text: string): IpAddress | null {
  if (text.length > 64) return null;
  if (!text.includes(':')) {
    const v4 = parseIpv4(text);
    return v4 === null ? null : { family: 4, value: v4 };
  }
  const v6 = parseIpv6(text);
  if (v6 === null) return null;
  if (v6 >> 32n === V4_MAPPED_PREFIX >> 32n) return { family: 4, value: v6 & 0xffffffffn };
  return { family: 6, value: v6 };
}

function bitsOf(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

/** A range `address/prefix` (a bare address is its own /32 or /128), or null when malformed. Host bits must be zero. */
export function parseCidr(text: string): CidrRange | null {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  if (addressText.includes(':') === false && addressText.includes('.') === false) return null;
  const address = addressText.includes(':') ? parseIpv6(addressText) : parseIpv4(addressText);
  if (address === null) return null;
  const family: 4 | 6 = addressText.includes(':') ? 6 : 4;
  const bits = bitsOf(family);
  const prefixText = slash < 0 ? String(bits) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > bits) return null;
  const hostBits = BigInt(bits - prefix);
  if ((address & ((1n << hostBits) - 1n)) !== 0n) return null;
  return { family, network: address, prefix, text };
}

export function cidrContains(range: CidrRange, address: IpAddress): boolean {
  if (range.family !== address.family) return false;
  const shift = BigInt(bitsOf(range.family) - range.prefix);
  return address.value >> shift === range.network >> shift;
}
