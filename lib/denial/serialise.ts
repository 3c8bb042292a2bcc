/**
 * A denial with its proposal as one JSON text, byte for byte what `JSON.stringify(denial)` writes, with
 * the proposal's JSON made once per proposal object: the proposal memo hands the same object to every
 * record of the same problem, and a proposal (statements, policy, diff, Terraform, CLI) is most of the
 * line, so a storm of one denial serialises its proposal once.
 */
import type { Denial, Proposal } from './types';

const proposalJson = new WeakMap<Proposal, string>();

function jsonOfProposal(proposal: Proposal): string {
  let json = proposalJson.get(proposal);
  if (json === undefined) {
    json = JSON.stringify(proposal);
    proposalJson.set(proposal, json);
  }
  return json;
}

/** `JSON.stringify(denial)`. */
export function denialJson(denial: Denial): string {
  const { proposal } = denial;
  // The splice below is the same text only when the proposal is the last key and a plain object (no toJSON).
  if (proposal === undefined || proposal === null || typeof proposal !== 'object' || 'toJSON' in proposal) return JSON.stringify(denial);
  const keys = Object.keys(denial);
  if (keys[keys.length - 1] !== 'proposal') return JSON.stringify(denial);
  const head = JSON.stringify({ ...denial, proposal: undefined });
  // Only `proposal` was left out: the head holds at least one key, since proposal was not the only one.
  return head.length > 2 ? `${head.slice(0, -1)},"proposal":${jsonOfProposal(proposal)}}` : `{"proposal":${jsonOfProposal(proposal)}}`;
}
