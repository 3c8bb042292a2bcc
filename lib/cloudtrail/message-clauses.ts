/**
 * The clauses that say why a denial happened, for the denial-message grammar (./message):
 * `because no <type> allows ...` (implicit), S3's guardrail wordings, and
 * `with an explicit deny [in a|an|the <type>[: <policy-arn>][ transitively through a <type>]]`.
 */
import type { ParsedMessage } from './message';
import { layerForPolicyType, looksLikePolicyType, looksRedacted, readToken, skipSpaces, stripTrailingDots } from './message-scan';

const MAX_POLICY_TYPE_LENGTH = 100;

/** Parses the because-clause of an implicit deny (`because no <type> allows ...`) and S3 guardrails. */
export function parseBecause(core: string, lower: string, at: number, out: ParsedMessage): void {
  const clauseStart = at;
  if (lower.startsWith('no ', at) || lower.startsWith('the ', at)) {
    const typeStart = at + (lower.startsWith('no ', at) ? 3 : 4);
    const allow = lower.indexOf(' allow', typeStart);
    if (allow > typeStart && allow - typeStart <= MAX_POLICY_TYPE_LENGTH) {
      const words = core.slice(typeStart, allow).trim();
      const layer = looksLikePolicyType(words) ? layerForPolicyType(words) : 'unknown';
      if (layer !== 'unknown') {
        out.layer = layer;
        out.explicit = false;
        out.policyType = words;
        return;
      }
    }
  }
  if (lower.startsWith('public acls are prevented by the blockpublicacls', at)) {
    setGuardrail(out, 'S3 Block Public Access (BlockPublicAcls)');
    return;
  }
  if (lower.startsWith('public policies are prevented by the blockpublicpolicy', at)) {
    setGuardrail(out, 'S3 Block Public Access (BlockPublicPolicy)');
    return;
  }
  if (lower.startsWith('this bucket has blocked upload requests that specify server side encryption with customer provided keys', at)) {
    setGuardrail(out, 'S3 bucket setting that blocks SSE-C uploads');
    return;
  }
  out.reasonText = `because ${core.slice(clauseStart)}`;
}

function setGuardrail(out: ParsedMessage, words: string): void {
  out.layer = 'resource';
  out.explicit = true;
  out.policyType = words;
}

/** Parses `with an explicit deny [in a|an|the <type>[: <arn>][ transitively through a <type>]]`. */
export function parseExplicit(core: string, lower: string, at: number, truncated: boolean, out: ParsedMessage): void {
  out.explicit = true;
  let i = skipSpaces(core, at);
  let article = '';
  for (const a of ['in an ', 'in a ', 'in the ']) {
    if (lower.startsWith(a, i)) {
      article = a;
      break;
    }
  }
  if (!article) return;
  i += article.length;
  const limit = Math.min(core.length, i + MAX_POLICY_TYPE_LENGTH);
  const window = lower.slice(i, limit);
  const colon = window.indexOf(': ');
  const transitive = window.indexOf(' transitively through ');
  const ends = [colon, transitive, window.indexOf('. '), window.indexOf(', ')].filter((n) => n >= 0);
  const typeEnd = ends.length > 0 ? i + Math.min(...ends) : core.length;
  if (typeEnd === core.length && (truncated || core.length - i > MAX_POLICY_TYPE_LENGTH)) return;
  const words = stripTrailingDots(core.slice(i, typeEnd).trim());
  out.policyType = words;
  out.layer = looksLikePolicyType(words) ? layerForPolicyType(words) : 'unknown';
  let j = typeEnd;
  if (colon >= 0 && j === i + colon) {
    const tok = readToken(core, skipSpaces(core, j + 2), truncated);
    const arn = tok.text.replace(/\.$/, '');
    if (tok.complete && arn.startsWith('arn:') && !looksRedacted(arn)) out.policyArn = arn;
    j = tok.end;
  }
  const rest = lower.indexOf(' transitively through ', j);
  if (rest >= 0 && rest - j <= 2) {
    const viaStart = rest + ' transitively through '.length;
    const viaArticle = lower.startsWith('an ', viaStart) ? 3 : lower.startsWith('a ', viaStart) ? 2 : lower.startsWith('the ', viaStart) ? 4 : 0;
    const viaFrom = viaStart + viaArticle;
    const viaColon = lower.indexOf(':', viaFrom);
    const viaEnd = viaColon >= 0 && viaColon - viaFrom <= MAX_POLICY_TYPE_LENGTH ? viaColon : Math.min(core.length, viaFrom + MAX_POLICY_TYPE_LENGTH);
    if (!(viaEnd === core.length && truncated)) {
      const via = stripTrailingDots(core.slice(viaFrom, viaEnd).trim());
      if (via) out.transitiveVia = via;
    }
    if (viaColon >= 0 && viaColon === viaEnd && out.policyArn === undefined) {
      const tok = readToken(core, skipSpaces(core, viaColon + 1), truncated);
      const arn = tok.text.replace(/\.$/, '');
      if (tok.complete && arn.startsWith('arn:') && !looksRedacted(arn)) out.policyArn = arn;
    }
  }
}
