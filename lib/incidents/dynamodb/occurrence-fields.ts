import type { Denial } from '../../denial/types';
import type { OccurrenceFields } from './update-expressions';

/** What the marker records about its occurrence when it is marked counted. */
export function occurrenceOf(denial: Denial, eventTime: string): OccurrenceFields {
  const occurrence: OccurrenceFields = {
    fingerprint: denial.fingerprint,
    eventId: denial.eventId,
    eventTime,
    accountId: denial.accountId,
    callRegion: denial.callRegion,
    deniedRegion: denial.deniedRegion,
    principalArn: denial.principal.arn,
  };
  if (denial.principal.sessionName) occurrence.sessionName = denial.principal.sessionName;
  return occurrence;
}
