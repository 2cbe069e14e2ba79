import { readFile } from 'node:fs/promises';
import { makeClients } from '../clients.js';
import { callerIdentity } from '../targets/aws.js';
import type { Connection } from '../targets/types.js';
import { leftovers, type ResourceLogEntry } from '../resources.js';
import { discover, parseResourceLog, removeFound, type Selector } from './index.js';

export interface CleanupOptions {
  selector: Selector;
  conn: Connection;
  /** Delete; without it, only list. */
  yes: boolean;
  /** Must equal the caller's account before anything is deleted (required on real AWS; see cli/cleanup.command.ts). */
  allowAccount?: string;
  /** A run's created-resources.ndjson, when there is one (--run-id). */
  recordPath?: string;
}

export interface CleanupOutcome {
  exitCode: number;
  account: string;
  listed: string[];
  removed: string[];
  failed: { resource: string; error: string }[];
}

/** Lists what the selector picks in the caller's account; deletes it only with `yes`. Writes for humans to `say`. */
export async function runCleanup(opts: CleanupOptions, say: (line: string) => void): Promise<CleanupOutcome> {
  const who = await callerIdentity(opts.conn);
  if (opts.yes && opts.allowAccount !== undefined && opts.allowAccount !== who.account) {
    throw new Error(`Refusing to delete: --allow-account is ${opts.allowAccount} but the credentials (${who.arn}) are for account ${who.account}. Use the right --profile or --allow-account.`);
  }
  let recorded: ResourceLogEntry[] = [];
  if (opts.recordPath) {
    const text = await readFile(opts.recordPath, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      recorded = parseResourceLog(text);
      say(`Record of the run: ${opts.recordPath} (${leftovers(recorded).length} resource(s) created and not removed by the run).`);
    }
  }
  const what = opts.selector.runId !== undefined ? `run ${opts.selector.runId}` : `runs older than ${Math.round((opts.selector.olderThanMs ?? 0) / 3_600_000 * 10) / 10} h`;
  const clients = makeClients(opts.conn);
  try {
    const { found, skipped } = await discover(clients, opts.selector, recorded);
    const listed = found.map((f) => `${f.kind} ${f.id} (${f.runId}${f.note ? `; ${f.note}` : ''})`);
    say(`${found.length} resource(s) of ${what} tagged kms-lab:run-id in account ${who.account}, region ${opts.conn.region}${found.length ? ':' : '.'}`);
    for (const l of listed) say(`  - ${l}`);
    for (const s of skipped) say(`  (left alone, could not inspect ${s.resource}: ${s.reason})`);
    const foundIds = new Set(found.map((f) => f.id));
    for (const r of leftovers(recorded)) {
      if (!foundIds.has(r.id) && !found.some((f) => f.id.endsWith(r.id))) say(`  (recorded ${r.kind} ${r.id}: not found with this run's tag — already gone, or not this account/region; left alone)`);
    }
    if (!opts.yes) {
      if (found.length > 0) say('Nothing was deleted. Run again with --yes to delete these (KMS keys are scheduled for deletion in 7 days).');
      return { exitCode: 0, account: who.account, listed, removed: [], failed: [] };
    }
    const result = await removeFound(clients, found);
    for (const r of result.removed) say(`deleted ${r}`);
    for (const f of result.failed) say(`FAILED to delete ${f.resource}: ${f.error}`);
    say(`${result.removed.length} deleted, ${result.failed.length} failed.`);
    return { exitCode: result.failed.length ? 1 : 0, account: who.account, listed, removed: result.removed, failed: result.failed };
  } finally {
    clients.destroy();
  }
}
