import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { EXPORT_FORMAT, isItem, keyOf, type DynamoTableBackup, type Item, type ItemComparison } from '../lib/incidents/dynamodb/backup';
import { UsageError } from '../lib/errors';
import type { CliIo } from './io';

/**
 * `incidents export` and `incidents import`: the whole table as JSON Lines (a header line, then one
 * `{"item": ...}` per stored item, in DynamoDB's typed JSON), to back up a store and to move it to
 * another data directory or a deployed table.
 */

export async function exportIncidents(backup: DynamoTableBackup, io: CliIo): Promise<number> {
  io.stdout.write(backupLine(backup.header(io.now())));
  let count = 0;
  for await (const item of backup.items()) {
    io.stdout.write(backupLine({ item }));
    count++;
  }
  io.stderr.write(`exported ${count} item(s)\n`);
  return 0;
}

const CHUNK = 100;

/** The items of an export file, checked line by line: a file that is not a whole export is refused before anything is written. */
async function* readExport(path: string): AsyncGenerator<Item[]> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let number = 0;
  let chunk: Item[] = [];
  for await (const line of lines) {
    number++;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new UsageError(`${path} line ${number} is not JSON: not an access-auditor export, or a damaged one; nothing was imported`);
    }
    if (number === 1) {
      const header = value as { format?: unknown; version?: unknown };
      if (header?.format !== EXPORT_FORMAT || header.version !== 1) throw new UsageError(`${path} is not an access-auditor incidents export (version 1)`);
      continue;
    }
    const item = (value as { item?: unknown } | null)?.item;
    if (!isItem(item)) throw new UsageError(`${path} line ${number} is not a stored item; nothing was imported`);
    chunk.push(item);
    if (chunk.length === CHUNK) {
      yield chunk;
      chunk = [];
    }
  }
  if (number === 0) throw new UsageError(`${path} is empty: not an access-auditor incidents export`);
  if (chunk.length > 0) yield chunk;
}

/**
 * Imports an export: items the store lacks are written, identical ones are left (importing twice changes
 * nothing), and items that differ from the stored ones refuse the whole import (nothing written) unless
 * `overwrite`. The file is read twice: first to check all of it, then to write.
 */
export async function importIncidents(file: string, overwrite: boolean, backup: DynamoTableBackup, io: CliIo): Promise<number> {
  const path = resolve(io.cwd, file);
  const found: Record<ItemComparison, number> = { missing: 0, identical: 0, different: 0 };
  let firstDifferent: string | undefined;
  for await (const chunk of readExport(path)) {
    const comparisons = await backup.compare(chunk);
    comparisons.forEach((c, i) => {
      found[c]++;
      if (c === 'different') firstDifferent ??= keyOf(chunk[i]!);
    });
  }
  if (found.different > 0 && !overwrite) {
    io.stderr.write(
      `${found.different} item(s) of ${file} differ from what the store holds (the first: ${firstDifferent}); nothing was imported. ` +
        'Give --overwrite to replace them with the file’s, or import into another --data-dir.\n',
    );
    return 1;
  }
  let written = 0;
  let changedMeanwhile = 0;
  for await (const chunk of readExport(path)) {
    const comparisons = await backup.compare(chunk);
    for (const [i, item] of chunk.entries()) {
      const comparison = comparisons[i];
      if (comparison === 'identical') continue;
      // Changed by someone else since the check: replaced only when asked to.
      if (comparison === 'different' && !overwrite) changedMeanwhile++;
      else if (await backup.put(item, comparison === 'different')) written++;
      else changedMeanwhile++;
    }
  }
  io.stdout.write(`imported ${written} item(s); ${found.identical} already identical\n`);
  if (changedMeanwhile === 0) return 0;
  io.stderr.write(`${changedMeanwhile} item(s) changed in the store during the import and were left as the store has them; import again to compare\n`);
  return 1;
}

/**
 * One line of an export. Not masked like other --json output, on purpose: a backup must restore exactly
 * what was stored (keep it as safe as the table). Line and paragraph separators are escaped so that every
 * item stays on its own line for line-based tools.
 */
function backupLine(value: unknown): string {
  return `${JSON.stringify(value).replace(/[\u2028\u2029\u0085]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}
