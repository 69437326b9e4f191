import type { Knex } from 'knex';

/**
 * Prunes what is kept beside the calls once the calls before `boundary` are gone: open intents
 * begun before it (their `InferenceStarted` events were dropped with their day, so a rebuild
 * would not bring them back either) and the leases of instances that stopped, or went silent,
 * before it and have no intent left. Both tables hold only a handful of rows, never a day's
 * worth: a plain DELETE is the right tool. Returns what was pruned.
 */
export const pruneSideTables = async (
  db: Knex,
  boundary: number,
): Promise<{ intents: number; instances: number }> => {
  const at = new Date(boundary).toISOString();
  const intents = await db.raw('DELETE FROM inference_intents WHERE created_at < ?', [at]);
  const instances = await db.raw(
    `DELETE FROM inference_instances s
     WHERE coalesce(s.stopped_at, s.heartbeat_at) < ?
       AND NOT EXISTS (SELECT 1 FROM inference_intents i WHERE i.instance_id = s.instance_id)`,
    [at],
  );
  return { intents: intents.rowCount ?? 0, instances: instances.rowCount ?? 0 };
};
