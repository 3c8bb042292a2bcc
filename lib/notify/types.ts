/**
 * The message shapes every notification shares (alerts and the weekly report), and the port that sends them.
 * SDK-free: the SNS adapter lives in ./sinks.
 */

/** Exactly the fields of an SNS `PublishCommandInput` that access-auditor sets; kept SDK-free so rendering stays pure. */
export interface AlertMessage {
  TopicArn?: string;
  Subject: string;
  Message: string;
  MessageStructure: 'json';
  MessageAttributes: Record<string, { DataType: 'String'; StringValue: string }>;
}

/** The alert port: SNS in AWS, a JSON Lines file plus the terminal on the embedded default. */
export interface Notifier {
  publish(message: AlertMessage): Promise<{ messageId: string }>;
}

export const CHAT_PROTOCOLS = ['https', 'lambda', 'sqs'] as const;
export type ChatProtocol = (typeof CHAT_PROTOCOLS)[number];

/** The custom notification schema of Amazon Q Developer in chat applications, with its metadata left open. */
export interface CustomChatNotification<Metadata> {
  version: '1.0';
  source: 'custom';
  id?: string;
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps: string[];
    keywords: string[];
  };
  metadata: Metadata;
}
