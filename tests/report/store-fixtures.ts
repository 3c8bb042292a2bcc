import type { DynamoIncidentStore } from '../../lib/incidents/dynamodb/store';
import { makeDenial, proposal, user } from './fixtures';

const minuteAfter = (iso: string) => new Date(Date.parse(iso) + 60_000);

/**
 * Records, through the real store, a week seen from Monday 2026-11-23 09:00 UTC:
 * - fp-a (chat-web, bedrock:InvokeModel): once in the week before, 3 times in the period (one event delivered
 *   twice), once on the report day (after the period);
 * - fp-b (alice, s3:GetObject, us-east-1 → us-west-2): new, twice on 2026-11-20, validated fix;
 * - fp-c (kms:Decrypt): seen on 2026-11-01 only, then acknowledged.
 * Expected: 5 denials, 2 incidents seen, 1 new, 3 still open, 1 fix ready, 2 cross-region, 1 the week before.
 */
export async function seedWeek(store: DynamoIncidentStore): Promise<void> {
  const events = [
    makeDenial({ eventId: 'a-prev', fingerprint: 'fp-a', eventTime: '2026-11-12T10:00:00Z' }),
    makeDenial({ eventId: 'a-1', fingerprint: 'fp-a', eventTime: '2026-11-16T10:00:00Z' }),
    makeDenial({ eventId: 'a-2', fingerprint: 'fp-a', eventTime: '2026-11-18T10:00:00Z' }),
    makeDenial({ eventId: 'a-2', fingerprint: 'fp-a', eventTime: '2026-11-18T10:00:00Z' }),
    makeDenial({ eventId: 'a-3', fingerprint: 'fp-a', eventTime: '2026-11-18T11:00:00Z' }),
    makeDenial({ eventId: 'a-today', fingerprint: 'fp-a', eventTime: '2026-11-23T08:00:00Z' }),
    ...['b-1', 'b-2'].map((eventId, i) =>
      makeDenial({
        eventId,
        fingerprint: 'fp-b',
        eventTime: `2026-11-20T0${i}:00:00Z`,
        principal: user('alice', '444455556666'),
        accountId: '444455556666',
        action: 's3:GetObject',
        eventSource: 's3.amazonaws.com',
        callRegion: 'us-east-1',
        deniedRegion: 'us-west-2',
        proposal: proposal('identity-policy', 'simulated-allow'),
      }),
    ),
    makeDenial({ eventId: 'c-1', fingerprint: 'fp-c', eventTime: '2026-11-01T10:00:00Z', action: 'kms:Decrypt', eventSource: 'kms.amazonaws.com' }),
  ];
  for (const denial of events) await store.recordOccurrence(denial, minuteAfter(denial.eventTime));
  await store.setStatus('fp-c', 'acknowledged', new Date('2026-11-02T00:00:00Z'), { from: 'open' });
}
