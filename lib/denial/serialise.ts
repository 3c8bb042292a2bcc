/**
 * A denial with its proposal as one JSON text, byte for byte what serialising the whole denial writes,
 * with the proposal's JSON made once per proposal object: the proposal memo hands the same object to
 * every record of the same problem, and a proposal (statements, policy, diff, Terraform, CLI) is most of
 * the line, so a storm of one denial serialises its proposal once.
 */
import { jsonLine } from '../display/sanitise';
import type { Denial, Proposal } from './types';

type Stringify = (value: unknown) => string;

const plainJson = new WeakMap<Proposal, string>();
const maskedJson = new WeakMap<Proposal, string>();

function withProposalOnce(denial: Denial, stringify: Stringify, cache: WeakMap<Proposal, string>): string {
  const { proposal } = denial;
  // The splice below is the same text only when the proposal is the last key and a plain object (no toJSON).
  if (proposal === undefined || proposal === null || typeof proposal !== 'object' || 'toJSON' in proposal) return stringify(denial);
  const keys = Object.keys(denial);
  if (keys[keys.length - 1] !== 'proposal') return stringify(denial);
  let json = cache.get(proposal);
  if (json === undefined) {
    json = stringify(proposal);
    cache.set(proposal, json);
  }
  const head = stringify({ ...denial, proposal: undefined });
  // Only `proposal` was left out: the head holds at least one key, since proposal was not the only one.
  return head.length > 2 ? `${head.slice(0, -1)},"proposal":${json}}` : `{"proposal":${json}}`;
}

/** `JSON.stringify(denial)`. */
export function denialJson(denial: Denial): string {
  return withProposalOnce(denial, (v) => JSON.stringify(v), plainJson);
}

/**
 * `jsonLine(denial)`: the `--json` line, credentials masked and line-breaking characters escaped. Masking
 * works string by string, so masking the proposal apart and splicing it in gives the same bytes.
 */
export function denialJsonLine(denial: Denial): string {
  return withProposalOnce(denial, (v) => jsonLine(v).slice(0, -1), maskedJson) + '\n';
}
