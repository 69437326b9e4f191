import type { Knex } from 'knex';
import { evolveKey, type ConsumerKey, type KeyEvent } from '../../../domain';
import { rowOfKey } from './key-rows';

/**
 * Fills `consumer_keys` (already emptied) from the key events of the log, in log order: the
 * same `evolveKey` the append applies, so the rebuilt table equals the live one.
 */
export const replayKeys = async (
  trx: Knex.Transaction,
  events: ReadonlyArray<{ readonly event: KeyEvent; readonly position: number }>,
): Promise<void> => {
  const keys = new Map<string, { key: ConsumerKey; position: number }>();
  for (const { event, position } of events) {
    const key = evolveKey(keys.get(event.data.keyId)?.key, event);
    if (key) keys.set(key.id, { key, position });
  }
  const rows = [...keys.values()].map(({ key, position }) => rowOfKey(key, position));
  for (let i = 0; i < rows.length; i += 500) {
    await trx('consumer_keys').insert(rows.slice(i, i + 500));
  }
};
