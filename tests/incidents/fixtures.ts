import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Denial, Proposal } from '../../lib/denial/types';
import { DynamoIncidentStore, type DynamoIncidentStoreOptions } from '../../lib/incidents/dynamodb/store';

/** A denial as the pipeline hands it to the store; every field a test cares about can be overridden. */
export function makeDenial(overrides: Partial<Denial> & { eventId: string }): Denial {
  return {
    eventTime: '2026-11-20T09:14:03Z',
    eventSource: 'bedrock.amazonaws.com',
    eventName: 'InvokeModel',
    accountId: '111122223333',
    principal: {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/chat-web/session-1',
      accountId: '111122223333',
      roleName: 'chat-web',
      roleArn: 'arn:aws:iam::111122223333:role/chat-web',
      sessionName: 'session-1',
      managedBy: 'iam',
    },
    action: 'bedrock:InvokeModel',
    callRegion: 'us-east-1',
    deniedRegion: 'us-east-1',
    resource: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0',
    reason: { layer: 'identity', explicit: false, summary: 'No identity-based policy allows bedrock:InvokeModel.' },
    fingerprint: 'fp-default',
    errorCode: 'AccessDenied',
    errorMessage: 'User: ... is not authorized to perform: bedrock:InvokeModel',
    proposal: sampleProposal(),
    ...overrides,
  };
}

export function sampleProposal(overrides: Partial<Proposal> = {}): Proposal {
  return {
    target: { kind: 'identity-policy', name: 'chat-web' },
    statements: [
      {
        Sid: 'AllowInvoke',
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0',
      },
    ],
    validated: 'simulated-allow',
    notes: [],
    ...overrides,
  };
}

let tableCounter = 0;

/** A store on a brand-new table, so tests sharing one dynalite server never see each other's items. */
export async function freshStore(
  client: DynamoDBClient,
  options: Partial<Omit<DynamoIncidentStoreOptions, 'client'>> = {},
): Promise<DynamoIncidentStore> {
  const store = new DynamoIncidentStore({ client, tableName: `incidents-${process.pid}-${++tableCounter}`, ...options });
  await store.ensureTable();
  return store;
}

export const at = (iso: string): Date => new Date(iso);
