/**
 * Review (issue 9): iam:PassRole fixes labelled ready without the right iam:PassedToService.
 */
import { decodeRaw, deniedRecord, proposeFix, roleWith, ready, ACCOUNT, ROLE, type PolicyStatement } from './helpers';
import { loadActionCatalog } from '../../lib/policy/catalog/iam-data-catalog';
import type { ActionCatalog } from '../../lib/policy/catalog/action-catalog';

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog(['iam:PassRole']);
});

const passedTo = (s: PolicyStatement) => s.Condition?.StringEquals?.['iam:PassedToService'];

it('a record whose eventSource names no service: PassRole to every service is not a fix ready', () => {
  const record = deniedRecord({
    eventSource: '',
    eventName: 'RunTask',
    action: 'iam:PassRole',
    requestParameters: { taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/task` },
  });
  const p = proposeFix(decodeRaw(record), roleWith(ROLE, []), { catalog });
  // Either the grant is tied to a service, or the proposal asks for it.
  if (ready(p)) expect(p.statements.every((s) => passedTo(s) !== undefined)).toBe(true);
});

it('RDS enhanced monitoring: the role is passed to monitoring.rds.amazonaws.com, not to the eventSource', () => {
  const record = deniedRecord({
    eventSource: 'rds.amazonaws.com',
    eventName: 'CreateDBInstance',
    action: 'iam:PassRole',
    requestParameters: { dBInstanceIdentifier: 'db', monitoringRoleArn: `arn:aws:iam::${ACCOUNT}:role/rds-monitoring` },
  });
  const p = proposeFix(decodeRaw(record), roleWith(ROLE, []), { catalog });
  // The proposed StringEquals iam:PassedToService = rds.amazonaws.com would still deny the real call,
  // yet the checks carry the tool's own guess as the context value, so the verdict is self-confirming.
  if (ready(p)) expect(p.statements.map(passedTo)).toEqual(['monitoring.rds.amazonaws.com']);
});
