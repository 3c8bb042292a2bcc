/**
 * Defensive readers for untrusted JSON. CloudTrail records come from files, stdin and EventBridge,
 * so any field may be missing, of the wrong type, huge, or shadowed by a prototype key: these
 * helpers read own properties only and never throw.
 */

export type JsonObject = Record<string, unknown>;

/** True for a non-null, non-array object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own property of an object, or undefined (inherited keys such as `constructor` are ignored). */
export function own(obj: unknown, key: string): unknown {
  if (!isObject(obj)) return undefined;
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** A non-empty string field, or undefined. Longer values are refused when `maxLength` is given. */
export function str(obj: unknown, key: string, maxLength?: number): string | undefined {
  const v = own(obj, key);
  if (typeof v !== 'string' || v.length === 0) return undefined;
  if (maxLength !== undefined && v.length > maxLength) return undefined;
  return v;
}

/** An object field, or undefined. */
export function obj(o: unknown, key: string): JsonObject | undefined {
  const v = own(o, key);
  return isObject(v) ? v : undefined;
}

/** Cuts a string to `max` characters, marking the cut with an ellipsis. */
export function cap(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, Math.max(0, max - 1))}…`;
}
