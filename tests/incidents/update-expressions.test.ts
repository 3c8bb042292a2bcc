import type { UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { incidentUpdate, latestUpdate, newDistinctValues, NOT_READ, type IncidentUpdateInput } from '../../lib/incidents/dynamodb/incident-update';
import { claimAlertUpdate, markCountedUpdate, removePendingEventsUpdate, statusUpdate, incidentKey } from '../../lib/incidents/dynamodb/update-expressions';
import { makeDenial } from './fixtures';

/** The expression with every alias and placeholder replaced by what it stands for, to read it as DynamoDB does. */
function readable(input: UpdateItemCommandInput, part: 'UpdateExpression' | 'ConditionExpression'): string {
  const names = input.ExpressionAttributeNames ?? {};
  const values = input.ExpressionAttributeValues ?? {};
  return (input[part] ?? '')
    .replace(/#n\d+/g, (alias) => names[alias] ?? alias)
    .replace(/:v\d+/g, (placeholder) => {
      const v = values[placeholder];
      return v?.S !== undefined ? `'${v.S.length > 40 ? `${v.S.slice(0, 12)}…` : v.S}'` : (v?.N ?? v?.SS?.join('|') ?? (v?.NULL ? 'null' : '{…}'));
    });
}

const input = (overrides: Partial<IncidentUpdateInput> = {}): IncidentUpdateInput => {
  const denial = makeDenial({ eventId: 'evt-1', fingerprint: 'fp-1', eventTime: '2026-11-20T09:14:03.000Z' });
  return {
    denial,
    eventTime: '2026-11-20T09:14:03.000Z',
    latest: denial,
    proposal: denial.proposal,
    latestHash: 'hash-1',
    now: new Date('2026-11-20T10:00:00Z'),
    ...overrides,
  };
};

describe('incidentUpdate (pure)', () => {
  test('first attempt: counts under the eventID guard and assumes the event is the newest and the sets have room', () => {
    const update = incidentUpdate('t', input(), NOT_READ, 50);
    const condition = readable(update, 'ConditionExpression');
    const expression = readable(update, 'UpdateExpression');

    expect(update).toMatchObject({ TableName: 't', Key: incidentKey('fp-1'), ReturnValues: 'ALL_NEW' });
    expect(condition.startsWith("(attribute_not_exists(pendingEvents) OR NOT contains(pendingEvents, 'evt-1'))")).toBe(true);
    expect(condition).toContain("(attribute_not_exists(lastSeen) OR lastSeen <= '2026-11-20T09:14:03.000Z')");
    expect(condition).toContain("(attribute_not_exists(firstSeen) OR firstSeen <= '2026-11-20T09:14:03.000Z')");
    expect(condition).toContain("(attribute_not_exists(regions) OR contains(regions, 'us-east-1') OR size(regions) < 50)");
    expect(expression).toContain("firstSeen = if_not_exists(firstSeen, '2026-11-20T09:14:03.000Z')");
    expect(expression).toContain('ADD count 1, pendingEvents evt-1, accounts 111122223333, regions us-east-1, sessions session-1');
    expect(expression).toContain("status = if_not_exists(status, 'open')");
    // The latest explanation is not in this (small, hot) item: only the newest event's ID and the hash that says whether it changed.
    expect(expression).toContain("latestEventId = 'evt-1'");
    expect(expression).toContain("latestHashBefore = if_not_exists(latestHash, ''), latestHash = 'hash-1'");
    expect(expression).not.toMatch(/latest = |principal|GSI1SK = '/);
  });

  test('retry on a snapshot where the event is older than lastSeen: moves firstSeen only, keeps the latest explanation', () => {
    const snapshot = { lastSeen: { S: '2026-11-21T00:00:00.000Z' }, firstSeen: { S: '2026-11-20T12:00:00.000Z' }, regions: { SS: ['us-east-1'] } };
    const update = incidentUpdate('t', input(), snapshot, 50);
    const expression = readable(update, 'UpdateExpression');
    const condition = readable(update, 'ConditionExpression');

    expect(expression).not.toMatch(/lastSeen|latest|proposal/);
    expect(expression).toContain("GSI1SK = if_not_exists(GSI1SK, 'fp-1')");
    expect(expression).toContain("firstSeen = '2026-11-20T09:14:03.000Z'");
    expect(condition).toContain("(attribute_not_exists(firstSeen) OR firstSeen >= '2026-11-20T09:14:03.000Z')");
    // Known values and the room left are judged on the snapshot: no set condition, no region already there.
    expect(condition).not.toContain('size(');
    expect(expression).not.toContain('regions');
  });

  test('without a proposal the stored one is removed (the latest item; inline copies of items written before issue 10 go too)', () => {
    expect(readable(latestUpdate('t', input({ proposal: undefined })), 'UpdateExpression')).toMatch(/ REMOVE proposal$/);
    expect(readable(incidentUpdate('t', input(), NOT_READ, 50), 'UpdateExpression')).toMatch(/ REMOVE latest, proposal$/);
  });

  test('the latest explanation never replaces a newer one and sets the first-seen description once', () => {
    const update = latestUpdate('t', input());
    expect(update.Key).toEqual({ PK: { S: 'INC#fp-1' }, SK: { S: 'INCIDENT#LATEST' } });
    expect(readable(update, 'ConditionExpression')).toBe("attribute_not_exists(eventTime) OR eventTime <= '2026-11-20T09:14:03.000Z'");
    expect(readable(update, 'UpdateExpression')).toContain('principal = if_not_exists(principal, {…})');
  });

  test("removes this store's counted eventIDs from one guard set while guarding the event in the other", () => {
    const update = incidentUpdate('t', input({ cleanup: { from: 'pendingEvents', eventIds: ['evt-0'] } }), NOT_READ, 50);
    const expression = readable(update, 'UpdateExpression');
    expect(expression).toContain('pendingEventsB evt-1');
    expect(expression).toMatch(/ DELETE pendingEvents evt-0$/);
    expect(readable(update, 'ConditionExpression')).toContain(
      "(attribute_not_exists(pendingEvents) OR NOT contains(pendingEvents, 'evt-1')) AND (attribute_not_exists(pendingEventsB) OR NOT contains(pendingEventsB, 'evt-1'))",
    );
  });

  test('declares only the names and values the expressions use', () => {
    const update = incidentUpdate('t', input(), { lastSeen: { S: '2027-01-01T00:00:00.000Z' } }, 50);
    const text = `${update.UpdateExpression} ${update.ConditionExpression}`;
    for (const alias of Object.keys(update.ExpressionAttributeNames ?? {})) expect(text).toContain(alias);
    for (const placeholder of Object.keys(update.ExpressionAttributeValues ?? {})) expect(text).toContain(placeholder);
  });
});

describe('newDistinctValues', () => {
  test('skips empty and known values, cuts long ones, stops at the cap', () => {
    expect(newDistinctValues(['a'], ['a', '', null, undefined, 'b', 'c'], 2)).toEqual(['b']);
    expect(newDistinctValues([], ['x'.repeat(300)], 5)[0]).toHaveLength(256);
    expect(newDistinctValues(['a', 'b'], ['c'], 2)).toEqual([]);
  });
});

describe('the other conditional writes (pure)', () => {
  test('the cleanup never creates an item, and marking counted requires still owning the marker and indexes the occurrence', () => {
    const cleanup = removePendingEventsUpdate('t', incidentKey('fp-1'), { pendingEvents: ['evt-1', 'evt-2'], pendingEventsB: [] });
    expect(readable(cleanup, 'ConditionExpression')).toBe('attribute_exists(PK)');
    expect(readable(cleanup, 'UpdateExpression')).toBe('DELETE pendingEvents evt-1|evt-2');
    const occurrence = {
      fingerprint: 'fp-1',
      eventId: 'evt-1',
      eventTime: '2026-11-20T09:14:03.000Z',
      accountId: '111122223333',
      callRegion: 'us-east-1',
      deniedRegion: 'us-east-1',
      principalArn: null,
    };
    const mark = markCountedUpdate('t', 'evt-1', 'owner-1', new Date('2026-11-20T10:00:00Z'), occurrence);
    expect(readable(mark, 'ConditionExpression')).toBe("owner = 'owner-1'");
    expect(readable(mark, 'UpdateExpression')).toContain("GSI3PK = 'INC#fp-1', GSI3SK = 'OCC#2026-11-20T09:14:03.000Z#evt-1'");
  });

  test('a closed status stores its resolution; a reopening keeps the previous one and counts a regression', () => {
    const resolution = { kind: 'policy-change' as const, eventId: 'e-1', at: '2026-11-20T11:00:00.000Z', by: 'arn:aws:iam::111122223333:user/bob' };
    const fixed = readable(statusUpdate('t', 'fp-1', 'fixed', '2026-11-20T11:00:05.000Z', { from: 'open', resolution }), 'UpdateExpression');
    expect(fixed).toContain("status = 'fixed'");
    expect(fixed).toContain('resolution = ');
    expect(fixed).not.toMatch(/REMOVE.*resolution/);
    const reopened = readable(
      statusUpdate('t', 'fp-1', 'open', 'now', {
        from: 'fixed',
        reopening: { previous: resolution, at: '2026-11-21T00:00:00.000Z', regressions: { count: 2, lastRegressionAt: '2026-11-21T00:00:00.000Z' } },
      }),
      'UpdateExpression',
    );
    expect(reopened).toContain("openedAt = '2026-11-21T00:00:00.000Z'");
    expect(reopened).toContain('previousResolution = ');
    expect(reopened).toContain('regressions = ');
    expect(reopened).toMatch(/REMOVE suppressedUntil, resolution$/);
  });

  test('a status change removes suppressedUntil unless suppressing with an end', () => {
    // A closed status given no resolution also drops the one of an earlier episode.
    expect(readable(statusUpdate('t', 'fp-1', 'resolved', '2026-11-20T10:00:00.000Z', { from: 'open' }), 'UpdateExpression')).toMatch(
      / REMOVE suppressedUntil, resolution$/,
    );
    expect(readable(statusUpdate('t', 'fp-1', 'resolved', '2026-11-20T10:00:00.000Z', { from: 'open' }), 'ConditionExpression')).toBe(
      "attribute_exists(PK) AND status = 'open'",
    );
    expect(readable(statusUpdate('t', 'fp-1', 'suppressed', 'now', { suppressedUntil: new Date('2026-12-01T00:00:00Z') }), 'UpdateExpression')).toContain(
      "suppressedUntil = '2026-12-01T00:00:00.000Z'",
    );
  });

  test('an alert claim that replaces a stale one is a compare-and-swap on exactly that claim', () => {
    const stale = { trigger: 'opened' as const, eventId: 'evt-0', claimedAt: '2026-11-20T09:00:00.000Z' };
    const claim = { trigger: 'opened' as const, eventId: 'evt-1', claimedAt: '2026-11-20T10:00:00.000Z' };
    expect(readable(claimAlertUpdate('t', 'fp-1', claim, new Date('2026-11-20T09:30:00Z'), stale), 'ConditionExpression')).toBe(
      "attribute_exists(alert) AND (attribute_not_exists(alert.lastAlertAt) OR alert.lastAlertAt < '2026-11-20T09:30:00.000Z') AND alert.pending.eventId = 'evt-0' AND alert.pending.claimedAt = '2026-11-20T09:00:00.000Z'",
    );
    expect(readable(claimAlertUpdate('t', 'fp-1', claim, new Date('2026-11-20T09:30:00Z')), 'ConditionExpression')).toContain(
      "(attribute_not_exists(alert.pending) OR alert.pending.eventId = 'evt-1')",
    );
    // Issue 12: with a claimId, only this very claim (an SDK retry) passes, not another delivery of evt-1.
    expect(readable(claimAlertUpdate('t', 'fp-1', { ...claim, claimId: 'c-1' }, new Date('2026-11-20T09:30:00Z')), 'ConditionExpression')).toContain(
      "(attribute_not_exists(alert.pending) OR (alert.pending.eventId = 'evt-1' AND alert.pending.claimId = 'c-1'))",
    );
  });
});
