import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StoreError } from '../errors';

/** What a conditional write returns when its condition failed: an expected outcome, not an error. */
export const CONDITION_FAILED = Symbol('condition-failed');
export type ConditionFailed = typeof CONDITION_FAILED;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The SDK error's name (`ResourceNotFoundException`...), or '' for anything without one. */
export function errorName(err: unknown): string {
  return typeof err === 'object' && err !== null && 'name' in err ? String((err as { name: unknown }).name) : '';
}

function isConditionFailed(err: unknown): boolean {
  return err instanceof ConditionalCheckFailedException || errorName(err) === 'ConditionalCheckFailedException';
}

/**
 * One table behind one client, and the two ways every module of this adapter calls it: `run` wraps any
 * failure in a {@link StoreError} naming the store operation and the DynamoDB call; `conditional` also
 * returns a failed condition as {@link CONDITION_FAILED}.
 */
export class TableAccess {
  constructor(
    readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  /** Runs one DynamoDB call, wrapping any failure in a StoreError that names the operation. */
  async run<T>(operation: string, call: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw new StoreError(
        `${operation}: DynamoDB ${call} on ${this.tableName} failed: ${errorName(err) || 'Error'}: ${(err as Error)?.message ?? String(err)}`,
        {
          operation: `${operation}/${call}`,
          cause: err,
        },
      );
    }
  }

  /** Like {@link run}, but a failed condition is an expected outcome, returned as a value. */
  async conditional<T>(operation: string, call: string, fn: () => Promise<T>): Promise<T | ConditionFailed> {
    return this.run(operation, call, async () => {
      try {
        return await fn();
      } catch (err) {
        if (isConditionFailed(err)) return CONDITION_FAILED;
        throw err;
      }
    });
  }
}
