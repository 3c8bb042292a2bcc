import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { AlertPublishError } from '../../../lib/notify/errors';
import { renderAlert } from '../../../lib/notify/alert/render';
import { SnsNotifier } from '../../../lib/notify/sinks/sns-notifier';
import { incident } from '../../alerts/fixtures';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:access-auditor-alerts';
const sns = mockClient(SNSClient);

beforeEach(() => sns.reset());

describe('SnsNotifier', () => {
  it('publishes exactly the rendered message to its topic', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
    const message = renderAlert({ incident: incident(), trigger: 'opened' });
    const notifier = new SnsNotifier({ client: new SNSClient({ region: 'us-east-1' }), topicArn: TOPIC });

    await expect(notifier.publish(message)).resolves.toEqual({ messageId: 'msg-1' });

    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toStrictEqual({
      TopicArn: TOPIC,
      Subject: '[access-auditor] bedrock:InvokeModel denied for chat-web-apprunner-instance-role (us-east-1)',
      Message: message.Message,
      MessageStructure: 'json',
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'medium' },
        account: { DataType: 'String', StringValue: '111122223333' },
        service: { DataType: 'String', StringValue: 'bedrock' },
        layer: { DataType: 'String', StringValue: 'identity' },
        principal: { DataType: 'String', StringValue: 'chat-web-apprunner-instance-role' },
        trigger: { DataType: 'String', StringValue: 'opened' },
      },
    });
  });

  it('uses its own topic even when the message names another', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'msg-2' });
    const message = renderAlert({ incident: incident(), trigger: 'opened', topicArn: 'arn:aws:sns:eu-west-1:999988887777:other' });
    await new SnsNotifier({ client: new SNSClient({ region: 'us-east-1' }), topicArn: TOPIC }).publish(message);
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.TopicArn).toBe(TOPIC);
  });

  it('wraps failures in AlertPublishError, keeping the cause', async () => {
    const cause = Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' });
    sns.on(PublishCommand).rejects(cause);
    const notifier = new SnsNotifier({ client: new SNSClient({ region: 'us-east-1' }), topicArn: TOPIC });

    const error: unknown = await notifier.publish(renderAlert({ incident: incident(), trigger: 'opened' })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AlertPublishError);
    expect(error).toMatchObject({ name: 'AlertPublishError', destination: TOPIC, cause });
    expect((error as Error).message).toContain('Rate exceeded');
    expect((error as Error).message).toContain(TOPIC);
  });

  it('creates a client in the topic Region when none is injected', async () => {
    const notifier = new SnsNotifier({ topicArn: 'arn:aws:sns:eu-west-3:111122223333:t' });
    expect(await (notifier as unknown as { client: SNSClient }).client.config.region()).toBe('eu-west-3');
  });

  it('refuses an empty topic', () => {
    expect(() => new SnsNotifier({ topicArn: '' })).toThrow(/topic ARN/);
  });
});
