import { decodeRecord } from '../../lib/cloudtrail/decode';
import { proposeFix } from '../../lib/policy/propose/propose';
import type { Denial, PolicyStatement } from '../../lib/denial/types';
import { isReady, readinessFacts } from '../../lib/denial/readiness';
import { inline, roleWith, userWith } from '../policy/fixtures/policies';
import { ACCOUNT, ROLE, deniedRecord, type RecordParts } from '../policy/fixtures/records';

export { ACCOUNT, ROLE, deniedRecord, inline, roleWith, userWith, proposeFix, isReady, readinessFacts };
export type { RecordParts, Denial, PolicyStatement };

export function decodeRaw(record: unknown): Denial {
  const outcome = decodeRecord(record);
  if (outcome.kind !== 'denial') throw new Error(`not a denial: ${JSON.stringify(outcome)}`);
  return outcome.denial;
}
export const decode = (parts: RecordParts): Denial => decodeRaw(deniedRecord(parts));
export const ready = (p: ReturnType<typeof proposeFix>) => isReady(readinessFacts(p));
