import { AuditorError, RetryLaterError } from '../../lib/errors';
import { EventInFlightError, InvalidOccurrenceError, StoreError } from '../../lib/incidents/errors';
import { AlertInFlightError } from '../../lib/pipeline/dispatch-alert';

describe('incident store errors', () => {
  test('an event in flight elsewhere is a retry-later condition, not a failed DynamoDB call', () => {
    const error = new EventInFlightError('evt-1', new Date('2026-11-20T10:01:00Z'));

    expect(error).toBeInstanceOf(RetryLaterError);
    expect(error).toBeInstanceOf(AuditorError);
    expect(error).not.toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ name: 'EventInFlightError', eventId: 'evt-1', leaseUntil: '2026-11-20T10:01:00.000Z' });
    expect(error.message).toBe('event evt-1 is in flight: another delivery is counting it (lease until 2026-11-20T10:01:00.000Z)');
  });

  test('an alert that may still be publishing elsewhere shares the same retry-later base', () => {
    expect(new AlertInFlightError('busy')).toBeInstanceOf(RetryLaterError);
    expect(new AlertInFlightError('busy').name).toBe('AlertInFlightError');
  });

  test('failures and unstorable denials are not retry-later conditions', () => {
    expect(new StoreError('boom', { operation: 'get/GetItem' })).not.toBeInstanceOf(RetryLaterError);
    expect(new InvalidOccurrenceError('no eventId')).not.toBeInstanceOf(RetryLaterError);
  });
});
