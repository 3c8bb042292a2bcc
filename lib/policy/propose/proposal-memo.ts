/**
 * Proposes once per identical problem within a run: a storm of one denial (10,000 copies, each with its
 * own event ID and session name) is one proposal, not 10,000. Pure and deterministic like `proposeFix`,
 * so reusing a result is exactly the same as computing it again.
 *
 * Two denials are the same problem when everything `proposeFix` reads is the same: the principal (the
 * role, not the session), action, exact resource, reason, model, regions, the message with the caller's
 * ARN taken out, and the values of the request context that the principal's policies test in a
 * condition or read through a policy variable (a Deny on `aws:SourceIp` makes two callers from two
 * addresses two problems; a Resource `.../home/${aws:userid}/*` makes two sessions two problems). The policies
 * themselves are the same object: a policy source that re-reads them returns a new object, and the
 * memo then starts afresh for them.
 */
import type { Denial, PolicyDocument, Proposal } from '../../denial/types';
import type { PrincipalPolicies } from '../ports';
import { proposeFix } from './propose';
import type { ProposeOptions } from './propose-context';
import { contextValue } from '../iam/conditions';

const LIMIT = 5000;

function conditionKeysOf(policies: PrincipalPolicies | null): string[] {
  if (!policies) return [];
  return conditionKeysOfDocuments(
    [...policies.identityPolicies, ...(policies.permissionsBoundary ? [policies.permissionsBoundary] : [])].map((p) => p.document),
  );
}

/** A policy variable `${key}` or `${key, 'default'}`; `${*}`, `${?}` and `${$}` are escapes, not variables. */
const VARIABLE = /\$\{\s*([^}*?$,\s][^},]*?)\s*(?:,[^}]*)?\}/g;

/**
 * The context keys a verdict can depend on: the keys named in Condition blocks, and every key a policy
 * variable reads anywhere in the documents (Resource, NotResource, condition values, Principal...).
 */
function conditionKeysOfDocuments(docs: PolicyDocument[]): string[] {
  const keys = new Set<string>();
  for (const doc of docs) {
    for (const s of doc.Statement) for (const block of Object.values(s.Condition ?? {})) for (const k of Object.keys(block)) keys.add(k.toLowerCase());
    for (const m of JSON.stringify(doc).matchAll(VARIABLE)) keys.add((m[1] as string).toLowerCase());
  }
  return [...keys].sort();
}

function problemKey(denial: Denial, keys: string[]): string {
  const { principal } = denial;
  const who = principal.roleArn ? { ...principal, arn: null, sessionName: undefined, accessKeyId: undefined, messageArn: undefined } : principal;
  const message = principal.arn && denial.errorMessage ? denial.errorMessage.split(principal.arn).join('<principal>') : denial.errorMessage;
  const values = denial.requestContext?.values ?? {};
  const tested = keys.map((k) => [k, contextValue(values, k) ?? null]);
  return JSON.stringify([
    who,
    denial.accountId,
    denial.eventSource,
    denial.action,
    denial.resource,
    denial.resourceText ?? null,
    denial.callRegion,
    denial.deniedRegion,
    denial.reason,
    denial.model ?? null,
    denial.relatedActions ?? null,
    message,
    determinedKey(denial.requestContext?.determined),
    tested,
  ]);
}

/**
 * The settled keys as part of the key. Decoding shares one frozen list per combination of keys, so a
 * frozen list stands for itself by a number (two frozen lists with the same keys are two numbers: a
 * miss, never a wrong hit); any other list is written out.
 */
const frozenListIds = new WeakMap<readonly string[], number>();
let nextListId = 1;
function determinedKey(determined: readonly string[] | undefined): string | readonly string[] | null {
  if (!determined) return null;
  if (!Object.isFrozen(determined)) return determined;
  let id = frozenListIds.get(determined);
  if (id === undefined) frozenListIds.set(determined, (id = nextListId++));
  return `#${id}`;
}

/** The context keys a trust policy reads, once per document (a storm of one AssumeRole denial reads one trust policy). */
const trustKeys = new WeakMap<PolicyDocument, string[]>();
function trustKeysOf(trust: PolicyDocument): string[] {
  let keys = trustKeys.get(trust);
  if (!keys) trustKeys.set(trust, (keys = conditionKeysOfDocuments([trust])));
  return keys;
}

export class ProposalMemo {
  private readonly byPolicies = new WeakMap<PrincipalPolicies, { keys: string[]; proposals: Map<string, Proposal> }>();
  private readonly withoutPolicies = { keys: [] as string[], proposals: new Map<string, Proposal>() };
  hits = 0;
  misses = 0;

  /** `proposeFix`, or the proposal already made for the same problem with the same policies and options. */
  propose(denial: Denial, policies: PrincipalPolicies | null, options: ProposeOptions = {}): Proposal {
    let entry = policies ? this.byPolicies.get(policies) : this.withoutPolicies;
    if (!entry) {
      entry = { keys: conditionKeysOf(policies), proposals: new Map() };
      this.byPolicies.set(policies as PrincipalPolicies, entry);
    }
    // The role trust policy (STS role actions) is an input too: its document, and the context values its conditions test.
    const trust = options.roleTrust?.document;
    const keys = trust ? [...new Set([...entry.keys, ...trustKeysOf(trust)])].sort() : entry.keys;
    const key = `${this.catalogId(options.catalog)}|${this.catalogId(trust)}|${options.accountId ?? ''}|${options.partition ?? ''}|${problemKey(denial, keys)}`;
    const known = entry.proposals.get(key);
    if (known) {
      this.hits++;
      return known;
    }
    this.misses++;
    const proposal = proposeFix(denial, policies, options);
    if (entry.proposals.size >= LIMIT) entry.proposals.clear();
    entry.proposals.set(key, proposal);
    return proposal;
  }

  /** A number per catalog (or trust policy) object: a different catalog (more action data) is a different input. */
  private readonly catalogIds = new WeakMap<object, number>();
  private nextCatalogId = 1;
  private catalogId(catalog: object | undefined): number {
    if (!catalog) return 0;
    let id = this.catalogIds.get(catalog);
    if (id === undefined) this.catalogIds.set(catalog, (id = this.nextCatalogId++));
    return id;
  }
}
