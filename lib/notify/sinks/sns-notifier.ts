import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { AlertPublishError } from '../errors';
import type { AlertMessage, Notifier } from '../types';
import { regionOfArn } from '../../aws/arn';

export interface SnsNotifierOptions {
  /** The topic this notifier publishes to; it overrides any `TopicArn` already on the message. */
  topicArn: string;
  /** Injected so that one client serves every invocation of a container; a default is created when absent. */
  client?: SNSClient;
}

/** The exact `PublishCommand` input for an alert: the rendered message with the notifier's topic. */
export function publishInput(message: AlertMessage, topicArn: string): PublishCommandInput {
  return {
    TopicArn: topicArn,
    Subject: message.Subject,
    Message: message.Message,
    MessageStructure: message.MessageStructure,
    MessageAttributes: message.MessageAttributes,
  };
}

/** Publishes alerts to an SNS topic, one `Publish` per alert. */
export class SnsNotifier implements Notifier {
  private readonly client: SNSClient;
  readonly topicArn: string;

  constructor(options: SnsNotifierOptions) {
    if (options.topicArn === '') throw new TypeError('SnsNotifier needs a topic ARN');
    this.topicArn = options.topicArn;
    this.client = options.client ?? new SNSClient({ region: regionOfArn(options.topicArn) });
  }

  /**
   * @throws AlertPublishError (with the SDK error as `cause`) when SNS refuses or cannot be reached; the
   * caller must let it propagate so that the pending alert is retried.
   */
  async publish(message: AlertMessage): Promise<{ messageId: string }> {
    try {
      const output = await this.client.send(new PublishCommand(publishInput(message, this.topicArn)));
      // SNS always returns an id; failing here would only make the retry send a duplicate alert.
      return { messageId: output.MessageId ?? 'unknown' };
    } catch (err) {
      const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      throw new AlertPublishError(`SNS Publish to ${this.topicArn} failed: ${reason}`, this.topicArn, { cause: err });
    }
  }
}
