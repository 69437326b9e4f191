import type { Knex } from 'knex';
import {
  dayPartitions,
  partitionName,
  PARTITIONED,
  RETENTION_SETTING,
  yieldAfter,
} from './partitions';

/** Rows changed per statement: each batch is a short transaction of its own. */
const BATCH = 5000;

const TEXT_TYPES = "('InferenceSucceeded', 'InferenceServedFromCache')";

const exists = async (db: Knex, name: string): Promise<boolean> =>
  (await db.raw('SELECT to_regclass(?) IS NOT NULL AS ok', [name])).rows[0]?.ok === true;

/** Runs `sql` (an UPDATE of at most BATCH rows) until it changes nothing; returns the rows. */
const inBatches = async (db: Knex, sql: string, bypassGuard: boolean): Promise<number> => {
  let total = 0;
  for (;;) {
    const began = performance.now();
    const n = await db.transaction(async (trx) => {
      if (bypassGuard) await trx.raw(RETENTION_SETTING);
      return (await trx.raw(sql)).rowCount ?? 0;
    });
    total += n;
    if (n < BATCH) return total;
    await yieldAfter(began);
  }
};

/**
 * Clears answer text and tool calls of every whole day that ended by `cutoff` and was not
 * cleared before: `result_text` and `tool_calls` of its records set to NULL, `text` and
 * `toolCalls` taken out of its events' data (the log's guard lets a retention pass through),
 * so a rebuild makes the same cleared records. Tokens, costs and every other figure stay, and
 * usage is untouched. A day is cleared once, in batches of 5,000 rows, each its own short
 * transaction on that day's partitions only (the ones appends no longer write to). Returns the
 * records cleared.
 */
export const clearTexts = async (db: Knex, cutoff: number): Promise<number> => {
  const cleared = new Set<number>(
    (await db.raw('SELECT day_from FROM retention_texts')).rows.map((r: { day_from: Date }) =>
      r.day_from.getTime(),
    ),
  );
  const days = new Set<number>();
  for (const t of PARTITIONED)
    for (const p of await dayPartitions(db, t.table))
      if (p.until <= cutoff && !cleared.has(p.from)) days.add(p.from);
  let total = 0;
  for (const from of [...days].sort((a, b) => a - b)) {
    const calls = partitionName('inference_calls', from);
    const events = partitionName('inference_events', from);
    const records = (await exists(db, calls))
      ? await inBatches(
          db,
          `UPDATE ${calls} SET result_text = NULL, tool_calls = NULL WHERE ctid = ANY(ARRAY(
             SELECT ctid FROM ${calls} WHERE result_text IS NOT NULL OR tool_calls IS NOT NULL
             LIMIT ${BATCH}))`,
          false,
        )
      : 0;
    const changed = (await exists(db, events))
      ? await inBatches(
          db,
          `UPDATE ${events} SET data = data - 'text' - 'toolCalls' WHERE ctid = ANY(ARRAY(
             SELECT ctid FROM ${events} WHERE type IN ${TEXT_TYPES}
               AND (data->'text' IS NOT NULL OR data->'toolCalls' IS NOT NULL) LIMIT ${BATCH}))`,
          true,
        )
      : 0;
    await db.raw(
      `INSERT INTO retention_texts (day_from, records, events) VALUES (?, ?, ?)
       ON CONFLICT (day_from) DO NOTHING`,
      [new Date(from).toISOString(), records, changed],
    );
    total += records;
  }
  return total;
};
