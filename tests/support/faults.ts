/**
 * Fault injection for the pipeline suites (tests/faults): a DynamoDB client on the suite's real dynalite
 * whose middleware fails chosen calls, and a notifier that can die. A "crash" stands for the process
 * dying: the failing call and every later call of that client or notifier fail, so nothing of the dead
 * process runs after it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AlertMessage, Notifier } from '../../lib/notify/types';

/** What the middleware does with the call it is asked about. */
export type Fault =
  /** The process dies before the call reaches DynamoDB. */
  | 'crash-before'
  /** The call is applied, then the process dies before it sees the answer. */
  | 'crash-after'
  /** DynamoDB throttles this attempt (the SDK's retry sees it). */
  | 'throttle'
  /** DynamoDB is unavailable for this attempt (a 500). */
  | 'outage'
  | undefined;

export interface CallInfo {
  /** 0-based index of this call (attempts of one call share it) among every call of this client. */
  index: number;
  command: string;
  /** 0-based attempt of this call (the SDK's retries). */
  attempt: number;
}

export class ProcessCrash extends Error {
  override name = 'ProcessCrash';
}

/** Whether `error`, or an error it wraps (the store wraps SDK failures in StoreError), is an injected crash. */
export function isCrash(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) if (e instanceof ProcessCrash) return true;
  return false;
}

export interface FaultyClient {
  client: DynamoDBClient;
  /** Command names of the calls made (one per call, retries not repeated). */
  calls: string[];
  /** True once a crash fault fired. */
  readonly dead: boolean;
}

function awsError(name: string, status: number): Error {
  const error = new Error(`injected ${name}`) as Error & { $metadata: { httpStatusCode: number }; $fault: string };
  error.name = name;
  error.$metadata = { httpStatusCode: status };
  error.$fault = status >= 500 ? 'server' : 'client';
  return error;
}

/**
 * A client of the embedded DynamoDB at `endpoint` whose calls go through `plan`. Crashes are injected
 * outside the SDK's retries (a dead process retries nothing); throttling and outages inside them, so the
 * SDK's own retry policy (`maxAttempts`) meets them as it would on AWS.
 */
export function faultyDynamoClient(endpoint: string, plan: (call: CallInfo) => Fault, maxAttempts = 2): FaultyClient {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'embedded', secretAccessKey: 'embedded' },
    maxAttempts,
  });
  const calls: string[] = [];
  const state = { dead: false };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (state.dead) throw new ProcessCrash('the process has died');
      const index = calls.length;
      calls.push(String(context.commandName));
      (context as { faultIndex?: number }).faultIndex = index;
      const fault = plan({ index, command: String(context.commandName), attempt: -1 });
      if (fault === 'crash-before') {
        state.dead = true;
        throw new ProcessCrash(`crashed before ${context.commandName}`);
      }
      const result = await next(args);
      if (fault === 'crash-after') {
        state.dead = true;
        throw new ProcessCrash(`crashed after ${context.commandName}`);
      }
      return result;
    },
    { step: 'initialize', name: 'injectCrash' },
  );
  const attempts = new Map<number, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const index = (context as { faultIndex?: number }).faultIndex ?? -1;
      const attempt = attempts.get(index) ?? 0;
      attempts.set(index, attempt + 1);
      const fault = plan({ index, command: String(context.commandName), attempt });
      if (fault === 'throttle') throw awsError('ProvisionedThroughputExceededException', 400);
      if (fault === 'outage') throw awsError('InternalServerError', 500);
      return next(args);
    },
    // Inside the retry middleware (finalizeRequest, high priority): each attempt passes here.
    { step: 'finalizeRequest', priority: 'low', name: 'injectServiceFault' },
  );
  return {
    client,
    calls,
    get dead() {
      return state.dead;
    },
  };
}

/** Records what it publishes; `failWith` makes the next publishes fail (an outage, or the process dying first). */
export class FaultyNotifier implements Notifier {
  readonly messages: AlertMessage[] = [];
  failWith: Error | undefined;
  async publish(message: AlertMessage): Promise<{ messageId: string }> {
    if (this.failWith) throw this.failWith;
    this.messages.push(message);
    return { messageId: `m-${this.messages.length}` };
  }
}
