/**
 * The one ARN module: every piece of code that reads a part of an ARN goes through here.
 * ARNs are `arn:partition:service:region:account:resource`; the resource part may itself contain
 * colons, so only the first five separators count.
 */

import { StringCache } from './string-cache';

export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'] as const;
export type Partition = (typeof PARTITIONS)[number];

export interface ParsedArn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  /** Everything after the fifth colon, e.g. `foundation-model/anthropic.claude-...` or `function:name`. */
  readonly resource: string;
}

/** Longest text read as an ARN from a record: real ARNs are at most ~2 KB. */
const MAX_ARN_LENGTH = 2048;

/**
 * Parsed ARNs, shared (results are frozen). Decoding one record asks about the same few ARNs (the
 * caller's, the resource) about a dozen times: the last few answers are checked first, which costs
 * less than hashing the text. The evaluator matches the same policy patterns over and over: those
 * (`arnSegments`) also go through a bounded cache. Record ARNs do not: most are seen once (a session
 * name per call), and hashing them into a cache cost more than splitting them again.
 */
const CACHE_LIMIT = 4096;
const patternCache = new StringCache<ParsedArn | null>(CACHE_LIMIT, splitArn);

const RECENT = 8;
const recentTexts: string[] = new Array<string>(RECENT).fill('');
const recentArns: Array<ParsedArn | null> = new Array<ParsedArn | null>(RECENT).fill(null);
let recentNext = 0;

function cached(text: string, viaPatternCache: boolean): ParsedArn | null {
  for (let i = 0; i < RECENT; i++) if (recentTexts[i] === text) return recentArns[i] as ParsedArn | null;
  const arn = viaPatternCache ? patternCache.get(text) : splitArn(text);
  recentTexts[recentNext] = text;
  recentArns[recentNext] = arn;
  recentNext = (recentNext + 1) % RECENT;
  return arn;
}

/** The six segments of an ARN-shaped text (empty segments allowed); null when it has fewer than six. Frozen: results are shared. */
function splitArn(text: string): ParsedArn | null {
  if (!text.startsWith('arn:')) return null;
  const a = text.indexOf(':', 4);
  const b = a < 0 ? -1 : text.indexOf(':', a + 1);
  const c = b < 0 ? -1 : text.indexOf(':', b + 1);
  const d = c < 0 ? -1 : text.indexOf(':', c + 1);
  if (d < 0) return null;
  return Object.freeze({
    partition: text.slice(4, a),
    service: text.slice(a + 1, b),
    region: text.slice(b + 1, c),
    account: text.slice(c + 1, d),
    resource: text.slice(d + 1),
  });
}

/**
 * Parses an ARN read from an event or a policy; null when the text is not an ARN (not a string,
 * over 2 KB, fewer than six segments, or an empty partition or service).
 */
export function parseArn(text: string | null | undefined): ParsedArn | null {
  if (typeof text !== 'string' || text.length > MAX_ARN_LENGTH) return null;
  const arn = cached(text, false);
  return arn && arn.partition.length > 0 && arn.service.length > 0 ? arn : null;
}

/**
 * The segments of an ARN-shaped policy pattern or value, with no length limit and empty segments
 * kept: IAM compares each segment on its own, whatever it holds.
 */
export function arnSegments(text: string): ParsedArn | null {
  return cached(text, true);
}

/**
 * The colon-separated segments of a short ARN pattern such as `arn:aws:s3:*`, where fewer than six
 * segments are present: the last one stands for the rest of the value.
 */
export function shortArnSegments(text: string): string[] {
  return text.split(':');
}

/** Joins segments back into an ARN string. */
export function formatArn(arn: ParsedArn): string {
  return `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.account}:${arn.resource}`;
}

/** The account ID of an ARN, or undefined (an empty account segment is undefined too). */
export function accountOfArn(text: string | null | undefined): string | undefined {
  return parseArn(text)?.account || undefined;
}

/** The region of an ARN, or undefined (an empty region segment is undefined too). */
export function regionOfArn(text: string | null | undefined): string | undefined {
  return parseArn(text)?.region || undefined;
}

/** The partition segment of an ARN, whatever it is (`aws`, `aws-cn`, ...), or undefined. */
export function partitionOf(text: string | null | undefined): string | undefined {
  return parseArn(text)?.partition || undefined;
}

/** The partition of an ARN when it names a known one. */
export function partitionOfArn(text: string | null | undefined): Partition | null {
  const partition = partitionOf(text);
  return partition && (PARTITIONS as readonly string[]).includes(partition) ? (partition as Partition) : null;
}

/** The partition a region belongs to; `aws` for commercial and unknown regions. */
export function partitionOfRegion(region: string | null | undefined): Partition {
  if (!region) return 'aws';
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

/** The part after the last `/` of an ARN (`arn:aws:iam::1:role/path/name` → `name`); the whole text when it has none. */
export function lastPathSegment(text: string): string {
  const slash = text.lastIndexOf('/');
  return slash < 0 ? text : text.slice(slash + 1);
}
