import type { Knex } from 'knex';

/**
 * Consumer keys. `consumer_keys` is the projection of the key events (`KeyIssued`, `KeyRotated`,
 * `KeyRevoked`) in `inference_events`: rebuilt from them, never the source of truth. It holds
 * SHA-256 hashes of the keys, never a key. `position` is the log position of the last event
 * applied to the row: the largest one is the cheap "have keys changed" check every instance
 * polls. `consumer_key_last_used` is not a projection (use is not an event): instances flush
 * when each key was last seen. `inference_calls.key_id` names the key a call was made with.
 */
export const up = async (knex: Knex): Promise<void> => {
  await knex.raw(`
    CREATE TABLE consumer_keys (
      id                   text        PRIMARY KEY,
      name                 text        NOT NULL,
      key_hash             text        NOT NULL,
      previous_hash        text,
      previous_valid_until timestamptz,
      scopes               jsonb       NOT NULL,
      limits               jsonb       NOT NULL,
      budgets              jsonb       NOT NULL,
      levels               jsonb,
      models               jsonb,
      expires_at           timestamptz,
      created_at           timestamptz NOT NULL,
      revoked_at           timestamptz,
      position             bigint      NOT NULL
    );
    CREATE INDEX consumer_keys_position_idx ON consumer_keys (position);
    CREATE TABLE consumer_key_last_used (
      key_id       text        PRIMARY KEY,
      last_used_at timestamptz NOT NULL
    );
    ALTER TABLE inference_calls ADD COLUMN key_id text;
    CREATE INDEX inference_calls_key_idx ON inference_calls (key_id, created_at DESC, id DESC)
      WHERE key_id IS NOT NULL;
  `);
};

/** Drops the keys projection, last use and the calls' key column. */
export const down = async (knex: Knex): Promise<void> => {
  await knex.raw(`
    DROP INDEX inference_calls_key_idx;
    ALTER TABLE inference_calls DROP COLUMN key_id;
    DROP TABLE consumer_key_last_used;
    DROP TABLE consumer_keys;
  `);
};
