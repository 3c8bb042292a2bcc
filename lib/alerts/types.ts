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
