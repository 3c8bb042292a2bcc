import type { PolicyDocument, PolicyStatement } from '../../denial/types';
import { PolicyDocumentError } from '../errors';

export type ParsedDocument = { ok: true; document: PolicyDocument } | { ok: false; error: PolicyDocumentError };

const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition']);

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 60)}...` : flat;
}

/**
 * Turns a string into JSON: plain JSON text, or the RFC 3986 URL-encoded form that IAM APIs
 * return (the JS SDK v3 does not decode it).
 */
function decodeText(text: string, label: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') throw new PolicyDocumentError(`${label}: empty policy document`);
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed);
    } catch (cause) {
      throw new PolicyDocumentError(`${label}: policy document is not valid JSON ("${preview(trimmed)}")`, { cause });
    }
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(trimmed);
  } catch (cause) {
    throw new PolicyDocumentError(`${label}: policy document is neither JSON nor URL-encoded JSON ("${preview(trimmed)}")`, {
      cause,
    });
  }
  try {
    return JSON.parse(decoded);
  } catch (cause) {
    throw new PolicyDocumentError(`${label}: URL-decoded policy document is not valid JSON ("${preview(decoded)}")`, {
      cause,
    });
  }
}

function isStringOrStrings(value: unknown): value is string | string[] {
  return typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
}

function normalizeEffect(value: unknown, where: string): 'Allow' | 'Deny' {
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'allow') return 'Allow';
    if (lower === 'deny') return 'Deny';
  }
  throw new PolicyDocumentError(`${where}: Effect must be "Allow" or "Deny", got ${JSON.stringify(value)}`);
}

function normalizeCondition(value: unknown, where: string): PolicyStatement['Condition'] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PolicyDocumentError(`${where}: Condition must be an object of operators`);
  }
  const out: NonNullable<PolicyStatement['Condition']> = {};
  for (const [operator, block] of Object.entries(value as Record<string, unknown>)) {
    if (block === null || typeof block !== 'object' || Array.isArray(block)) {
      throw new PolicyDocumentError(`${where}: Condition operator ${operator} must map keys to values`);
    }
    const keys: Record<string, string | string[] | boolean | number | Array<string | boolean | number>> = {};
    for (const [key, raw] of Object.entries(block as Record<string, unknown>)) {
      const scalar = (v: unknown): v is string | boolean | number => typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number';
      if (scalar(raw)) keys[key] = raw;
      else if (Array.isArray(raw) && raw.every(scalar)) keys[key] = raw as Array<string | boolean | number>;
      else throw new PolicyDocumentError(`${where}: Condition ${operator} ${key} must be a value or a list of values`);
    }
    out[operator] = keys;
  }
  return out;
}

function normalizeStatement(value: unknown, where: string): PolicyStatement {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PolicyDocumentError(`${where}: a statement must be an object`);
  }
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!STATEMENT_KEYS.has(key)) throw new PolicyDocumentError(`${where}: unknown statement element "${key}"`);
  }
  if (raw.Action !== undefined && raw.NotAction !== undefined) {
    throw new PolicyDocumentError(`${where}: a statement cannot have both Action and NotAction`);
  }
  if (raw.Resource !== undefined && raw.NotResource !== undefined) {
    throw new PolicyDocumentError(`${where}: a statement cannot have both Resource and NotResource`);
  }
  // Key order is kept as written so that a diff of an edited policy shows only the edit.
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(raw)) {
    switch (key) {
      case 'Sid':
        if (typeof field !== 'string') throw new PolicyDocumentError(`${where}: Sid must be a string`);
        out.Sid = field;
        break;
      case 'Effect':
        out.Effect = normalizeEffect(field, where);
        break;
      case 'Action':
      case 'NotAction':
      case 'Resource':
      case 'NotResource':
        if (!isStringOrStrings(field)) throw new PolicyDocumentError(`${where}: ${key} must be a string or a list of strings`);
        out[key] = Array.isArray(field) ? [...field] : field;
        break;
      case 'Condition':
        out.Condition = normalizeCondition(field, where);
        break;
      default:
        out[key] = field;
    }
  }
  if (out.Effect === undefined) throw new PolicyDocumentError(`${where}: statement has no Effect`);
  if (out.Action === undefined && out.NotAction === undefined) {
    throw new PolicyDocumentError(`${where}: statement has neither Action nor NotAction`);
  }
  return out as unknown as PolicyStatement;
}

/**
 * Normalises a policy document given as an object, a JSON string, or a URL-encoded JSON string.
 * A single `Statement` object becomes a one-element list; other fields keep their string-or-list form.
 * @throws PolicyDocumentError with `label` and a short preview of the offending input.
 */
export function normalizePolicyDocument(input: unknown, label = 'policy'): PolicyDocument {
  const value = typeof input === 'string' ? decodeText(input, label) : input;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PolicyDocumentError(`${label}: a policy document must be a JSON object`);
  }
  const raw = value as Record<string, unknown>;
  if (raw.Statement === undefined) throw new PolicyDocumentError(`${label}: policy document has no Statement`);
  const list = Array.isArray(raw.Statement) ? raw.Statement : [raw.Statement];
  const doc: PolicyDocument = { Statement: [] };
  if (raw.Version !== undefined) {
    if (typeof raw.Version !== 'string') throw new PolicyDocumentError(`${label}: Version must be a string`);
    doc.Version = raw.Version;
  }
  if (raw.Id !== undefined) {
    if (typeof raw.Id !== 'string') throw new PolicyDocumentError(`${label}: Id must be a string`);
    doc.Id = raw.Id;
  }
  doc.Statement = list.map((s, i) => normalizeStatement(s, `${label} statement ${i}`));
  // Version first, as IAM prints it.
  return { ...(doc.Version !== undefined ? { Version: doc.Version } : {}), ...(doc.Id !== undefined ? { Id: doc.Id } : {}), Statement: doc.Statement };
}

/** Like {@link normalizePolicyDocument}, as a tagged value instead of an exception. */
export function parsePolicyDocument(input: unknown, label = 'policy'): ParsedDocument {
  try {
    return { ok: true, document: normalizePolicyDocument(input, label) };
  } catch (error) {
    if (error instanceof PolicyDocumentError) return { ok: false, error };
    throw error;
  }
}

/** A string-or-list field as a list (`undefined` is empty). */
export function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** A list back in the compact IAM form: one value stays a string. */
export function compactList(values: string[]): string | string[] {
  return values.length === 1 && values[0] !== undefined ? values[0] : values;
}

/** Deep copy of a document (documents are plain JSON). */
export function cloneDocument(doc: PolicyDocument): PolicyDocument {
  return JSON.parse(JSON.stringify(doc)) as PolicyDocument;
}

/** Pretty-printed JSON, the form used for diffs, CLI files and size display. */
export function formatPolicy(doc: PolicyDocument): string {
  return JSON.stringify(doc, null, 2);
}

/** Size as IAM counts it against quotas: whitespace outside and inside the JSON is not counted. */
export function policySize(doc: PolicyDocument): number {
  return JSON.stringify(doc).replace(/\s/g, '').length;
}
