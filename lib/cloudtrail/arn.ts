/**
 * ARN splitting and partition helpers. ARNs are `arn:partition:service:region:account:resource`;
 * the resource part may itself contain colons, so only the first five separators count.
 */

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

/** Longest ARN we bother to split: real ARNs are at most ~2 KB. */
const MAX_ARN_LENGTH = 2048;

/**
 * The last few ARNs split: decoding one record asks about the same principal and resource ARNs
 * several times. Results are read-only, so sharing them is safe.
 */
const recent: Array<{ text: string; arn: ParsedArn | null }> = [];
const RECENT_SIZE = 4;

/** Splits an ARN; null when the text is not an ARN. */
export function parseArn(text: string | null | undefined): ParsedArn | null {
  if (typeof text !== 'string' || text.length > MAX_ARN_LENGTH || !text.startsWith('arn:')) return null;
  for (const r of recent) if (r.text === text) return r.arn;
  const arn = splitArn(text);
  if (recent.length >= RECENT_SIZE) recent.shift();
  recent.push({ text, arn });
  return arn;
}

function splitArn(text: string): ParsedArn | null {
  const parts: string[] = [];
  let start = 4;
  for (let i = 0; i < 4; i++) {
    const next = text.indexOf(':', start);
    if (next < 0) return null;
    parts.push(text.slice(start, next));
    start = next + 1;
  }
  const [partition, service, region, account] = parts as [string, string, string, string];
  if (partition.length === 0 || service.length === 0) return null;
  return { partition, service, region, account, resource: text.slice(start) };
}

/** The partition of an ARN when it names a known one. */
export function partitionOfArn(text: string | null | undefined): Partition | null {
  const arn = parseArn(text);
  if (!arn) return null;
  return (PARTITIONS as readonly string[]).includes(arn.partition) ? (arn.partition as Partition) : null;
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
