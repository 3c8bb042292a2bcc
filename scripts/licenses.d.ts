/** Types for scripts/licenses.js (CommonJS so scripts run it without a build step). */
export interface LockEntry {
  version?: string;
  license?: string;
  dev?: boolean;
  devOptional?: boolean;
}
export interface PackageLock {
  packages?: Record<string, LockEntry>;
}
export const PERMISSIVE: ReadonlySet<string>;
export const BANNED: readonly string[];
export function isPermissive(expression: unknown): boolean;
export function licenseProblems(lock: PackageLock): string[];
export function readLock(root: string): PackageLock;
export function runtimePackages(lock: PackageLock): Array<{ path: string; name: string; version?: string; license?: string }>;
