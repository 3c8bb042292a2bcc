import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * Minimal DynamoDB attribute-value codec for plain JSON-like data. `@aws-sdk/util-dynamodb` is not a
 * dependency, and the incident item only needs strings, numbers, booleans, null, lists, maps and string sets.
 */

/** A DynamoDB item as the low-level client sees it. */
export type Item = Record<string, AttributeValue>;

/** Marshals a JSON-like value; `undefined` (and map entries holding it) are dropped, as DynamoDB has no such type. */
export function toAttribute(value: unknown): AttributeValue | undefined {
  if (value === undefined) return undefined;
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot store non-finite number ${value}`);
    return { N: String(value) };
  }
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) {
    return { L: value.map((v) => toAttribute(v) ?? { NULL: true }) };
  }
  if (typeof value === 'object') return { M: toItem(value as Record<string, unknown>) };
  throw new TypeError(`cannot store a value of type ${typeof value}`);
}

/** Marshals the defined entries of an object into an item (or a map's contents). */
export function toItem(value: Record<string, unknown>): Item {
  const entries: Array<[string, AttributeValue]> = [];
  for (const [key, v] of Object.entries(value)) {
    const attr = toAttribute(v);
    if (attr !== undefined) entries.push([key, attr]);
  }
  // Defined, not assigned: a record's key named `__proto__` stays data (see fromItem).
  return Object.fromEntries(entries);
}

/** A string set; DynamoDB rejects empty sets, so callers must not pass one. */
export function stringSet(values: readonly string[]): AttributeValue {
  if (values.length === 0) throw new TypeError('a DynamoDB string set cannot be empty');
  return { SS: [...values] };
}

/** Unmarshals one attribute value into plain data (string sets become string arrays). */
export function fromAttribute(attr: AttributeValue): unknown {
  if (attr.S !== undefined) return attr.S;
  if (attr.N !== undefined) return Number(attr.N);
  if (attr.BOOL !== undefined) return attr.BOOL;
  if (attr.NULL !== undefined) return null;
  if (attr.L !== undefined) return attr.L.map(fromAttribute);
  if (attr.M !== undefined) return fromItem(attr.M);
  if (attr.SS !== undefined) return [...attr.SS];
  if (attr.NS !== undefined) return attr.NS.map(Number);
  // Binary types never appear in this table.
  return undefined;
}

/** Unmarshals an item into a plain object. */
export function fromItem(item: Item): Record<string, unknown> {
  // Keys come from records (request parameters are attacker-controlled): a key named `__proto__` must stay
  // an own property, not replace the object's prototype, so entries are defined, not assigned.
  return Object.fromEntries(Object.entries(item).map(([key, attr]) => [key, fromAttribute(attr)]));
}

/**
 * Collects expression attribute names and values so that every name is aliased (the table uses words
 * DynamoDB reserves, such as `count`, `status` and `deferred`) and every value gets a unique placeholder.
 */
export class ExpressionContext {
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, AttributeValue> = {};
  private nameCount = 0;
  private valueCount = 0;
  private readonly aliasOf = new Map<string, string>();

  /** Aliases a document path such as `alert.pending.eventId` segment by segment. */
  path(documentPath: string): string {
    return documentPath
      .split('.')
      .map((segment) => {
        let alias = this.aliasOf.get(segment);
        if (alias === undefined) {
          alias = `#n${this.nameCount++}`;
          this.aliasOf.set(segment, alias);
          this.names[alias] = segment;
        }
        return alias;
      })
      .join('.');
  }

  /** A placeholder for an already-marshalled value. */
  raw(value: AttributeValue): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** A placeholder for a plain value. */
  value(value: unknown): string {
    const attr = toAttribute(value);
    if (attr === undefined) throw new TypeError('an expression value cannot be undefined');
    return this.raw(attr);
  }

  /** The `ExpressionAttributeNames`/`ExpressionAttributeValues` pair, omitting empty maps (DynamoDB rejects them). */
  attributes(): { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, AttributeValue> } {
    return {
      ...(Object.keys(this.names).length > 0 ? { ExpressionAttributeNames: { ...this.names } } : {}),
      ...(Object.keys(this.values).length > 0 ? { ExpressionAttributeValues: { ...this.values } } : {}),
    };
  }
}
