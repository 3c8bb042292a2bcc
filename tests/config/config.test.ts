import { deployedAlertPolicy, INGEST_ALERT_LEASE_SECONDS, loadIngestConfig, loadReportConfig, mayReadAccount } from '../../lib/config';
import { AlertPolicyConfigError } from '../../lib/alerts/errors';
import { ConfigError } from '../../lib/errors';

const valid = { TABLE_NAME: 'access-auditor-prod-incidents', TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:access-auditor-prod-alerts' };

describe('loadIngestConfig', () => {
  it('applies documented defaults when only the required variables are set', () => {
    expect(loadIngestConfig(valid)).toEqual({
      tableName: valid.TABLE_NAME,
      topicArn: valid.TOPIC_ARN,
      alertWindowMinutes: 60,
      occurrenceTtlDays: 90,
      readRoleName: 'access-auditor-read',
      policyCacheTtlSeconds: 300,
      simulate: true,
      staleAfterDays: 14,
      readAccounts: { kind: 'listed', accounts: [] },
    });
  });

  it('reads the accounts it may read through the read role: listed, or the organization', () => {
    expect(loadIngestConfig({ ...valid, READ_ACCOUNTS: ' 444455556666, 777788889999 ,' }).readAccounts).toEqual({
      kind: 'listed',
      accounts: ['444455556666', '777788889999'],
    });
    expect(loadIngestConfig({ ...valid, ORG_ID: 'o-abcdefghij', READ_ACCOUNTS: '' }).readAccounts).toEqual({
      kind: 'organization',
      orgId: 'o-abcdefghij',
      accounts: [],
    });
  });

  it('may read only listed accounts without an organization, any account with one', () => {
    const listed = loadIngestConfig({ ...valid, READ_ACCOUNTS: '444455556666' }).readAccounts;
    expect(mayReadAccount(listed, '444455556666')).toBe(true);
    expect(mayReadAccount(listed, '999999999999')).toBe(false);
    expect(mayReadAccount(loadIngestConfig(valid).readAccounts, '444455556666')).toBe(false);
    expect(mayReadAccount(loadIngestConfig({ ...valid, ORG_ID: 'o-abcdefghij' }).readAccounts, '999999999999')).toBe(true);
  });

  it('reads every optional variable', () => {
    const config = loadIngestConfig({
      ...valid,
      ALERT_WINDOW_MINUTES: '15',
      OCCURRENCE_TTL_DAYS: '30',
      READ_ROLE_NAME: 'auditor-reader',
      POLICY_CACHE_TTL_SECONDS: '0',
      SIMULATE: 'false',
    });
    expect(config).toMatchObject({ alertWindowMinutes: 15, occurrenceTtlDays: 30, readRoleName: 'auditor-reader', policyCacheTtlSeconds: 0, simulate: false });
  });

  it.each([
    [{ TOPIC_ARN: valid.TOPIC_ARN }, /TABLE_NAME is required/],
    [{ TABLE_NAME: valid.TABLE_NAME }, /TOPIC_ARN is required/],
    [{ ...valid, TOPIC_ARN: 'not-an-arn' }, /TOPIC_ARN="not-an-arn" is not a valid SNS topic ARN/],
    [{ ...valid, TABLE_NAME: 'ab' }, /TABLE_NAME="ab" is not a valid DynamoDB table name/],
    [{ ...valid, ALERT_WINDOW_MINUTES: '0' }, /ALERT_WINDOW_MINUTES=0 must be between 1 and/],
    [{ ...valid, ALERT_WINDOW_MINUTES: 'soon' }, /ALERT_WINDOW_MINUTES="soon" must be a whole number/],
    [{ ...valid, SIMULATE: 'maybe' }, /SIMULATE="maybe" must be true or false/],
    [{ ...valid, READ_ROLE_NAME: 'bad/role' }, /READ_ROLE_NAME="bad\/role" is not a valid IAM role name/],
    [{ ...valid, READ_ACCOUNTS: '4444-5555-6666' }, /READ_ACCOUNTS: "4444-5555-6666" is not a 12-digit account ID/],
    [{ ...valid, ORG_ID: 'r-abcd' }, /ORG_ID="r-abcd" is not an organization ID/],
  ])('fails fast with the variable name: %j', (env, message) => {
    expect(() => loadIngestConfig(env)).toThrow(ConfigError);
    expect(() => loadIngestConfig(env)).toThrow(message);
  });
});

describe('loadReportConfig', () => {
  it('defaults the report to seven days and validates the range', () => {
    expect(loadReportConfig(valid).reportDays).toBe(7);
    expect(() => loadReportConfig({ ...valid, REPORT_DAYS: '91' })).toThrow(/REPORT_DAYS=91 must be between 1 and 90/);
  });
});

describe('deployedAlertPolicy', () => {
  it('is the window with the deployed alert lease, validated by the alert policy', () => {
    expect(deployedAlertPolicy(60)).toEqual({ windowMinutes: 60, pendingLeaseSeconds: INGEST_ALERT_LEASE_SECONDS });
    expect(() => deployedAlertPolicy(-1)).toThrow(AlertPolicyConfigError);
  });
});
