import type { Knex } from 'knex';

/**
 * The append-only event log: the source of truth every projection is rebuilt from. A trigger
 * refuses UPDATE, DELETE and TRUNCATE, so only migrations can rewrite history.
 */
export const up = async (knex: Knex): Promise<void> => {
  await knex.raw(`
    CREATE TABLE inference_events (
      position    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      event_id    uuid        NOT NULL,
      type        text        NOT NULL,
      occurred_at timestamptz NOT NULL,
      data        jsonb       NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT inference_events_event_id_key UNIQUE (event_id)
    );
    CREATE FUNCTION inference_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'inference_events is append-only (% refused)', TG_OP
        USING ERRCODE = 'restrict_violation';
    END $$;
    CREATE TRIGGER inference_events_no_rewrite BEFORE UPDATE OR DELETE ON inference_events
      FOR EACH ROW EXECUTE FUNCTION inference_events_append_only();
    CREATE TRIGGER inference_events_no_truncate BEFORE TRUNCATE ON inference_events
      FOR EACH STATEMENT EXECUTE FUNCTION inference_events_append_only();
  `);
};

/** Drops the log and its guard. */
export const down = async (knex: Knex): Promise<void> => {
  await knex.raw(`
    DROP TABLE inference_events;
    DROP FUNCTION inference_events_append_only();
  `);
};
