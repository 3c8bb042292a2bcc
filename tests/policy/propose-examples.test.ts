import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Denial } from '../../lib/denial/types';
import { decodeRecord } from '../../lib/cloudtrail/decode';
import { asList } from '../../lib/policy/iam/document';
import { evaluate } from '../../lib/policy/iam/evaluator';
import { proposeFix } from '../../lib/policy/propose/propose';
import type { NoteCode } from '../../lib/policy/propose/notes';
import { SnapshotPolicySource } from '../../lib/policy/sources/snapshot';
import { EXAMPLES, SONNET_45 } from './fixtures/denials';
import { applyProposal, checksFor, decisions } from './fixtures/apply';
import { expectProposalInvariants } from './fixtures/invariants';
import { paramsOf } from './fixtures/notes';
import { exampleSnapshot } from './fixtures/snapshot';

const source = SnapshotPolicySource.fromSnapshots([exampleSnapshot()]);

interface Expectation {
  target: Record<string, string | undefined>;
  /** Sid of the statement fixed in place, when it is a near miss. */
  fixedSid?: string;
  resources: string[];
  actions: string[];
  cli: RegExp[];
  /** Notes the proposal must have: code, and the parameters that matter. */
  notes: Array<[NoteCode, Record<string, string | number>]>;
}

const EXPECTED: Record<string, Expectation> = {
  '01-apprunner-no-bedrock-grant': {
    target: { kind: 'identity-policy', name: 'chat-web-apprunner-instance-role', policyName: undefined },
    resources: ['arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0'],
    actions: ['bedrock:InvokeModel'],
    cli: [/aws iam put-role-policy --role-name chat-web-apprunner-instance-role --policy-name access-auditor-bedrock-claude-3-5-sonnet-20240620 /],
    notes: [['new-inline-policy', { policy: 'access-auditor-bedrock-claude-3-5-sonnet-20240620', count: 1 }]],
  },
  '02-iam-user-wrong-model-id': {
    target: {
      kind: 'identity-policy',
      name: 'data-pipeline',
      policyName: 'BedrockClaudeInvoke',
      policyArn: 'arn:aws:iam::111122223333:policy/BedrockClaudeInvoke',
    },
    fixedSid: 'InvokeClaudeSonnet45',
    resources: [`arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.${SONNET_45}`, `arn:aws:bedrock:*::foundation-model/${SONNET_45}`],
    actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
    cli: [
      /aws iam create-policy-version --policy-arn arn:aws:iam::111122223333:policy\/BedrockClaudeInvoke --policy-document file:\/\/BedrockClaudeInvoke.json --set-as-default/,
    ],
    notes: [
      ['near-miss-fixed', { statement: 'InvokeClaudeSonnet45', policy: 'managed policy BedrockClaudeInvoke', repairKinds: 'model-id' }],
      ['managed-policy-version', { policy: 'BedrockClaudeInvoke' }],
    ],
  },
  '03-sso-permission-set-no-invoke': {
    target: { kind: 'sso-permission-set', name: 'ClaudeAccess', policyName: 'AwsSSOInlinePolicy' },
    resources: [
      `arn:aws:bedrock:us-east-1:111122223333:inference-profile/global.${SONNET_45}`,
      `arn:aws:bedrock:us-east-1::foundation-model/${SONNET_45}`,
      `arn:aws:bedrock:::foundation-model/${SONNET_45}`,
    ],
    actions: ['bedrock:InvokeModel'],
    cli: [
      /aws sso-admin put-inline-policy-to-permission-set --instance-arn <INSTANCE_ARN> --permission-set-arn <PERMISSION_SET_ARN> --inline-policy file:\/\//,
      /aws sso-admin provision-permission-set .* --target-id 111122223333/,
    ],
    notes: [
      ['statements-added', { policy: 'the inline policy of permission set ClaudeAccess' }],
      ['sso-permission-set-owner', { role: 'AWSReservedSSO_ClaudeAccess_0a1b2c3d4e5f6789', permissionSet: 'ClaudeAccess' }],
    ],
  },
  '04-bedrock-agent-cross-region-us-east-2': {
    target: { kind: 'identity-policy', name: 'support-supervisor-agent-role-dev', policyName: 'AmazonBedrockAgentBedrockFoundationModelPolicy_dev' },
    fixedSid: 'AmazonBedrockAgentInferenceProfilesCrossRegionPolicy',
    resources: [
      `arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.${SONNET_45}`,
      `arn:aws:bedrock:us-east-1::foundation-model/${SONNET_45}`,
      `arn:aws:bedrock:us-east-2::foundation-model/${SONNET_45}`,
      `arn:aws:bedrock:us-west-2::foundation-model/${SONNET_45}`,
    ],
    actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream', 'bedrock:GetInferenceProfile', 'bedrock:GetFoundationModel'],
    cli: [/aws iam put-role-policy --role-name support-supervisor-agent-role-dev --policy-name AmazonBedrockAgentBedrockFoundationModelPolicy_dev/],
    notes: [
      [
        'near-miss-fixed',
        {
          statement: 'AmazonBedrockAgentInferenceProfilesCrossRegionPolicy',
          policy: 'inline policy AmazonBedrockAgentBedrockFoundationModelPolicy_dev',
          repairKinds: 'region',
        },
      ],
    ],
  },
  '05-ecs-task-account-id-in-foundation-model-arn': {
    target: {
      kind: 'identity-policy',
      name: 'orders-api-task-role',
      policyName: 'orders-api-bedrock',
      policyArn: 'arn:aws:iam::111122223333:policy/orders-api-bedrock',
    },
    fixedSid: 'InvokeClaude',
    resources: ['arn:aws:bedrock:*::foundation-model/anthropic.claude-*'],
    actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
    cli: [/create-policy-version --policy-arn arn:aws:iam::111122223333:policy\/orders-api-bedrock/],
    notes: [
      ['near-miss-fixed', { statement: 'InvokeClaude', policy: 'managed policy orders-api-bedrock', repairKinds: 'account-in-model-arn' }],
      ['wildcard-kept-by-fix', { resource: 'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0' }],
      ['stream-pair', {}],
    ],
  },
  '06-api-key-missing-call-with-bearer-token': {
    target: { kind: 'identity-policy', name: 'BedrockAPIKey-k7q2', policyName: undefined },
    resources: ['*'],
    actions: ['bedrock:CallWithBearerToken'],
    cli: [/aws iam put-user-policy --user-name BedrockAPIKey-k7q2 --policy-name access-auditor-bedrock-callwithbearertoken /],
    notes: [
      ['no-resource-type', { action: 'bedrock:CallWithBearerToken' }],
      ['bearer-token-type-condition', {}],
    ],
  },
};

async function expectExample(name: string, denial: Denial): Promise<void> {
  const expected = EXPECTED[name]!;
  const policies = await source.getPrincipalPolicies(denial.principal);
  expect(policies).not.toBeNull();
  const proposal = proposeFix(denial, policies);

  expect(proposal.validated).toBe('simulated-allow');
  expect(proposal.target).toEqual(Object.fromEntries(Object.entries(expected.target).filter(([, v]) => v !== undefined)));
  expect(proposal.statements.flatMap((s) => asList(s.Resource))).toEqual(expected.resources);
  expect([...new Set(proposal.statements.flatMap((s) => asList(s.Action)))]).toEqual(expected.actions);
  for (const re of expected.cli) expect(proposal.cli).toMatch(re);
  for (const [code, params] of expected.notes) expect(paramsOf(proposal, code)).toMatchObject(params);
  expect(proposal.terraform).toContain('data "aws_iam_policy_document"');
  expect(proposal.diff).toMatch(/^--- .*\n\+\+\+ .*\n@@ /);
  expectProposalInvariants(proposal);

  // policyAfter, applied to the principal, allows every evaluation the call needs.
  const checks = checksFor(denial);
  const before = { identity: policies!.identityPolicies };
  const after = applyProposal(policies!, proposal);
  expect(decisions(after, checks)).toEqual(checks.map((c) => `${c.label}: allowed`));
  expect(checks.some((c) => evaluate(before, c.request).decision !== 'allowed')).toBe(true);

  if (expected.fixedSid) {
    // Fixed in place: same Sid, no twin statement, the other statements untouched.
    const original = policies!.identityPolicies.find((p) => p.name === expected.target.policyName)!;
    expect(proposal.policyAfter?.Statement.map((s) => s.Sid)).toEqual(original.document.Statement.map((s) => s.Sid));
    expect(proposal.statements.map((s) => s.Sid)).toEqual([expected.fixedSid]);
  }
}

describe('the six examples, from hand-built denials', () => {
  it.each(Object.entries(EXAMPLES))('%s', async (name, denial) => {
    await expectExample(name, denial);
  });

  it('example 2 changes only the two wrong ARNs (diff)', async () => {
    const denial = EXAMPLES['02-iam-user-wrong-model-id']!;
    const proposal = proposeFix(denial, await source.getPrincipalPolicies(denial.principal));
    const lines = proposal.diff!.split('\n');
    expect(lines.filter((l) => l.startsWith('-') && !l.startsWith('---'))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('+') && !l.startsWith('+++'))).toHaveLength(2);
  });

  it('example 4 keeps the resources that were right', async () => {
    const denial = EXAMPLES['04-bedrock-agent-cross-region-us-east-2']!;
    const policies = await source.getPrincipalPolicies(denial.principal);
    const proposal = proposeFix(denial, policies);
    const before = asList(policies!.identityPolicies[0]!.document.Statement[0]!.Resource);
    expect(asList(proposal.statements[0]!.Resource).slice(0, before.length)).toEqual(before);
  });

  it('is deterministic and does not change its inputs', async () => {
    for (const denial of Object.values(EXAMPLES)) {
      const policies = await source.getPrincipalPolicies(denial.principal);
      const frozen = JSON.stringify(policies);
      const denialBefore = JSON.stringify(denial);
      expect(proposeFix(denial, policies)).toEqual(proposeFix(denial, policies));
      expect(JSON.stringify(policies)).toBe(frozen);
      expect(JSON.stringify(denial)).toBe(denialBefore);
    }
  });
});

describe('the six examples, end to end from the CloudTrail records', () => {
  const dir = join(__dirname, '../../examples/records');
  it.each(readdirSync(dir).filter((f) => f.endsWith('.json')))('%s', async (file) => {
    const outcome = decodeRecord(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    expect(outcome.kind).toBe('denial');
    if (outcome.kind !== 'denial') return;
    await expectExample(file.replace(/\.json$/, ''), outcome.denial);
  });
});
