/** The CLI behaves like the tools people already use: help, typos, flag errors, positionals, JSON Lines, AWS failures. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient, QueryCommand, ScanCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { main, takeAwsFlags } from '../../cli/main';
import { closest } from '../../cli/args';
import { describeAwsFailure } from '../../cli/aws';
import { StoreError } from '../../lib/incidents/errors';
import { captureIo, jsonLines, tempDir } from '../support/cli-io';

const root = join(__dirname, '..', '..');
const example = 'examples/records/01-apprunner-no-bedrock-grant.json';

describe('help', () => {
  it.each([
    [['help', 'explain'], 'Usage: access-auditor explain'],
    [['explain', '--help'], 'Usage: access-auditor explain'],
    [['help', 'incidents'], 'Usage: access-auditor incidents'],
    [['help', 'start'], 'Usage: access-auditor start'],
    [['report', '-h'], 'Usage: access-auditor report'],
  ])('%j prints that command’s help, with the AWS options where it calls AWS', async (argv, usage) => {
    const io = captureIo();
    expect(await main(argv, io)).toBe(0);
    expect(io.out().startsWith(usage)).toBe(true);
    if (argv.includes('explain')) expect(io.out()).toContain('--profile NAME');
  });

  it('help for an unknown topic suggests the closest command', async () => {
    const io = captureIo();
    expect(await main(['help', 'explian'], io)).toBe(2);
    expect(io.err()).toContain('did you mean "explain"?');
  });
});

describe('mistakes are one clear line, exit 2', () => {
  it.each<[string[], RegExp]>([
    [['expalin'], /^access-auditor: unknown command "expalin" \(did you mean "explain"\?\)/],
    [['incident', 'list'], /did you mean "incidents"\?/],
    [['explain', '--josn', example], /^access-auditor explain: unknown option --josn \(did you mean --json\?\)\n/],
    [['replay', '--data-dri', 'x'], /unknown option --data-dri \(did you mean --data-dir\?\)/],
    [['explain', '--policies'], /^access-auditor explain: --policies needs a value\n/],
    [['explain', '--json=yes'], /--json takes no value/],
    [['explain', '-x'], /unknown option -x/],
    [['explain', '--regoin', 'eu-west-1'], /unknown option --regoin \(did you mean --region\?\)/],
    [['start', 'extra'], /unexpected argument "extra": this command takes no arguments/],
    [['report', 'weekly'], /unexpected argument "weekly"/],
    [['incidents', 'show', 'abcd', 'more'], /unexpected argument "more"/],
    [['incidents', 'lsit'], /unknown incidents action "lsit" \(did you mean list\?\)/],
    [['report', '--format', 'htlm'], /did you mean html\?/],
    [['report', '--json', '--format', 'html'], /--json is --format json/],
    [['explain', '--profile'], /--profile needs a value/],
  ])('%j', async (argv, message) => {
    const io = captureIo({ cwd: root });
    expect(await main(argv, io)).toBe(2);
    expect(io.err()).toMatch(message);
    expect(io.err()).not.toMatch(/To specify a positional argument|TypeError|at .*\.js:\d+/);
  });

  it('suggests only near words', () => {
    expect(closest('jsno', ['json', 'online'])).toBe('json');
    expect(closest('zzzzzz', ['json', 'online'])).toBeNull();
  });
});

describe('--profile and --region', () => {
  it.each<[string[], { rest: string[]; profile?: string; region?: string }]>([
    [['--profile', 'dev', 'x'], { rest: ['x'], profile: 'dev' }],
    [['--region=eu-west-1', '--json'], { rest: ['--json'], region: 'eu-west-1' }],
    [['a', '--', '--profile', 'p'], { rest: ['a', '--', '--profile', 'p'] }],
  ])('%j', (argv, expected) => {
    expect(takeAwsFlags(argv)).toEqual(expected);
  });
});

describe('AWS failures: one sentence, what to do, exit 3', () => {
  const io = (env: Record<string, string> = {}) => captureIo({ env });
  const sdkError = (name: string, message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { name, ...extra });
  it.each<[string, unknown, Record<string, string>, RegExp]>([
    [
      'no credentials',
      sdkError('CredentialsProviderError', 'Could not load credentials from any providers'),
      {},
      /no AWS credentials found: run `aws sso login --profile NAME`/,
    ],
    ['no credentials for a profile', sdkError('CredentialsProviderError', 'profile dev not found'), { AWS_PROFILE: 'dev' }, /aws sso login --profile dev/],
    [
      'an expired SSO session',
      sdkError('CredentialsProviderError', 'The SSO session associated with this profile has expired'),
      { AWS_PROFILE: 'dev' },
      /has expired: run `aws sso login --profile dev`/,
    ],
    ['no region', sdkError('Error', 'Region is missing'), {}, /set AWS_REGION or pass --region/],
    [
      'wrapped in a StoreError',
      new StoreError('query failed', { operation: 'list/Query', cause: sdkError('ExpiredTokenException', 'expired') }),
      {},
      /have expired or are not valid/,
    ],
    [
      'no network',
      sdkError('Error', 'getaddrinfo ENOTFOUND dynamodb.eu-west-1.amazonaws.com', { code: 'ENOTFOUND' }),
      {},
      /cannot reach AWS \(ENOTFOUND: dynamodb\.eu-west-1\.amazonaws\.com\)/,
    ],
    ['access denied', sdkError('AccessDeniedException', 'not authorized to perform dynamodb:Query'), {}, /lack that permission/],
    ['a missing table', sdkError('ResourceNotFoundException', 'Requested resource not found'), {}, /check --table/],
  ])('%s', (_name, err, env, message) => {
    expect(describeAwsFailure(err, io(env))?.message).toMatch(message);
  });

  it('is not an AWS failure when it is not one', () => {
    expect(describeAwsFailure(new Error('disk full'), io())).toBeNull();
  });

  it('a command against a table without credentials says what to do and exits 3', async () => {
    const dynamodb = mockClient(DynamoDBClient);
    const denied = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    dynamodb.on(QueryCommand).rejects(denied).on(ScanCommand).rejects(denied).on(GetItemCommand).rejects(denied);
    try {
      const run = captureIo({ env: {} });
      expect(await main(['incidents', 'list', '--table', 'access-auditor-incidents', '--region', 'eu-west-1', '--profile', 'ops'], run)).toBe(3);
      expect(run.err()).toBe(
        'access-auditor incidents: no usable AWS credentials for profile ops (Could not load credentials from any providers): run `aws sso login --profile ops` or check ~/.aws/config\n',
      );
    } finally {
      dynamodb.restore();
    }
  });

  it('explain --online says its checks could not run, and exits 3', async () => {
    const iam = mockClient(IAMClient);
    iam.onAnyCommand().rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    try {
      const run = captureIo({ cwd: root, env: { AWS_REGION: 'us-east-1' } });
      expect(await main(['explain', '--online', '--json', example], run)).toBe(3);
      expect(jsonLines(run.out())).toHaveLength(1);
      expect(run.err()).toMatch(/^access-auditor explain: the online checks could not run for \d+ call\(s\): no AWS credentials found/m);
    } finally {
      iam.restore();
    }
  });
});

describe('JSON Lines everywhere', () => {
  it('start --json is JSON Lines only: a line per record, then a line per incident', async () => {
    const io = captureIo({ cwd: root });
    expect(await main(['start', '--json', '--data-dir', tempDir()], io)).toBe(0);
    const lines = io.out().trim().split('\n');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.filter((l) => l.kind === 'incident').length).toBeGreaterThan(0);
    expect(parsed.every((l) => typeof l.kind === 'string')).toBe(true);
  });

  it('report --json is --format json', async () => {
    const dataDir = tempDir();
    await main(['start', '--data-dir', dataDir], captureIo({ cwd: root }));
    const a = captureIo({ cwd: root });
    const b = captureIo({ cwd: root });
    expect(await main(['report', '--json', '--data-dir', dataDir, '--until', '2026-11-24'], a)).toBe(0);
    expect(await main(['report', '--format', 'json', '--data-dir', dataDir, '--until', '2026-11-24'], b)).toBe(0);
    expect(a.out()).toBe(b.out());
    expect(a.out().trimEnd().split('\n')).toHaveLength(1);
    expect(() => JSON.parse(a.out())).not.toThrow();
  });
});

describe('the output pipe closing', () => {
  it('stops the command quietly: `explain big | head -1`', async () => {
    const child = spawn(process.execPath, [join(root, 'bin', 'access-auditor'), 'explain', '--json', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const record = JSON.stringify(JSON.parse(readFileSync(join(root, example), 'utf8')));
    // An endless input: only stopping on the closed pipe ends this test.
    const feed = setInterval(() => child.stdin.write(`${record}\n`.repeat(200)), 1);
    child.stdin.on('error', () => undefined);
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearInterval(feed);
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });
});

describe('--profile and --region reach the clients of every AWS-facing command', () => {
  it.each([[['report', '--table', 'access-auditor-incidents']], [['incidents', 'list', '--table', 'access-auditor-incidents']]])('%j', async (argv) => {
    const dynamodb = mockClient(DynamoDBClient);
    const seen: Array<{ region: string; profile: unknown }> = [];
    const capture = async (_input: unknown, getClient: () => DynamoDBClient) => {
      const client = getClient();
      seen.push({ region: await client.config.region(), profile: (client.config as { profile?: string }).profile });
      return { Items: [] };
    };
    dynamodb.on(QueryCommand).callsFake(capture).on(ScanCommand).callsFake(capture);
    try {
      const io = captureIo({ env: {} });
      expect(await main([...argv, '--region', 'eu-west-1', '--profile', 'ops'], io)).toBe(0);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((s) => s.region === 'eu-west-1' && s.profile === 'ops')).toBe(true);
    } finally {
      dynamodb.restore();
    }
  });
});
