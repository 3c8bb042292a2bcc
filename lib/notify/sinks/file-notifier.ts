import { createHash } from 'node:crypto';
import { AlertPublishError } from '../errors';
import { publishInput } from './sns-notifier';
import { renderTerminalSummary } from '../terminal';
import { appendJsonLine } from './jsonl-append';
import type { AlertMessage, Notifier } from '../types';

/** Topic ARN written when neither the notifier nor the message names one (the embedded default has no topic). */
export const LOCAL_TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:access-auditor-local';

export interface FileNotifierOptions {
  /** JSON Lines file that receives the exact `PublishCommand` input of every alert; its directory is created. */
  path: string;
  /** Where a short human-readable rendering goes (the terminal); nothing is written when absent. */
  terminal?: { write(chunk: string): unknown };
  /** Overrides the message's `TopicArn` in the file; default: the message's, else {@link LOCAL_TOPIC_ARN}. */
  topicArn?: string;
}

/**
 * The embedded default's notifier: instead of SNS, appends each alert's exact `PublishCommand` input as
 * one JSON object per line (each on a line of its own, even after a torn write: jsonl-append.ts), and prints a short summary to the terminal. The message ID is derived from
 * the line's content, so replaying the same alert yields the same ID.
 */
export class FileNotifier implements Notifier {
  readonly path: string;
  private readonly terminal: FileNotifierOptions['terminal'];
  private readonly topicArn: string | undefined;
  // Appends are chained so that concurrent publishes never interleave inside a line.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: FileNotifierOptions) {
    this.path = options.path;
    this.terminal = options.terminal;
    this.topicArn = options.topicArn;
  }

  /** @throws AlertPublishError when the file cannot be written. */
  publish(message: AlertMessage): Promise<{ messageId: string }> {
    const input = publishInput(message, this.topicArn ?? message.TopicArn ?? LOCAL_TOPIC_ARN);
    const line = `${JSON.stringify(input)}\n`;
    const run = this.queue.then(async () => {
      try {
        await appendJsonLine(this.path, line, ({ bytes, keptIn }) =>
          this.terminal?.write(`warning: ${this.path} ended with an incomplete line (${bytes} bytes), moved to ${keptIn}\n`),
        );
      } catch (err) {
        throw new AlertPublishError(`could not append the alert to ${this.path}: ${(err as Error).message}`, this.path, { cause: err });
      }
      this.terminal?.write(renderTerminalSummary({ ...message, TopicArn: input.TopicArn }));
      return { messageId: messageIdFor(line) };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** A UUID-shaped ID from the content's SHA-256, like the IDs SNS returns. */
export function messageIdFor(content: string): string {
  const hex = createHash('sha256').update(content, 'utf8').digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
