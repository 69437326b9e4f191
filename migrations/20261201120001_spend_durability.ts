import type { Knex } from 'knex';

const GRAINS = ['usage_minute', 'usage_hour', 'usage_day', 'usage_week'];
const OLD_STATUSES = "'succeeded', 'failed', 'cached', 'rate_limited'";
const STATUSES = `${OLD_STATUSES}, 'cancelled', 'interrupted'`;

/**
 * No spend without a record: statuses `cancelled` and `interrupted`; `cost_estimated` and
 * `error_code` on call records; their counters in every usage grain; `inference_intents`, the
 * projection of intents (`InferenceStarted`) without an outcome yet; `inference_instances`,
 * one lease per running service instance, so a live instance never settles another live
 * instance's calls.
 */
export const up = async (knex: Knex): Promise<void> => {
  await knex.raw(`
    ALTER TABLE inference_calls
      DROP CONSTRAINT inference_calls_status_check,
      ADD CONSTRAINT inference_calls_status_check CHECK (status IN (${STATUSES})),
      ADD COLUMN cost_estimated boolean NOT NULL DEFAULT false,
      ADD COLUMN error_code text;
    UPDATE inference_calls SET error_code = split_part(error_message, ':', 1)
      WHERE status = 'failed';
    UPDATE inference_calls SET error_code = 'rate_limited' WHERE status = 'rate_limited';
    CREATE INDEX inference_calls_status_idx ON inference_calls (status, created_at, id);
    ${GRAINS.map(
      (t) => `ALTER TABLE ${t}
        ADD COLUMN cancelled_calls bigint NOT NULL DEFAULT 0,
        ADD COLUMN interrupted_calls bigint NOT NULL DEFAULT 0;`,
    ).join('\n')}
    CREATE TABLE inference_intents (
      call_id              uuid        PRIMARY KEY,
      instance_id          text        NOT NULL,
      created_at           timestamptz NOT NULL,
      estimated_cost_nanos bigint      NOT NULL,
      upstream_id          text,
      data                 jsonb       NOT NULL
    );
    CREATE INDEX inference_intents_instance_idx ON inference_intents (instance_id, created_at);
    CREATE TABLE inference_instances (
      instance_id  text        PRIMARY KEY,
      lock_key     integer     GENERATED ALWAYS AS IDENTITY UNIQUE,
      host         text        NOT NULL,
      pid          integer     NOT NULL,
      started_at   timestamptz NOT NULL DEFAULT now(),
      heartbeat_at timestamptz NOT NULL DEFAULT now(),
      stopped_at   timestamptz
    );
  `);
};

/** Back to four statuses; records of the new ones keep their rows (the check is NOT VALID). */
export const down = async (knex: Knex): Promise<void> => {
  await knex.raw(`
    DROP TABLE inference_instances;
    DROP TABLE inference_intents;
    ${GRAINS.map(
      (t) => `ALTER TABLE ${t} DROP COLUMN cancelled_calls, DROP COLUMN interrupted_calls;`,
    ).join('\n')}
    DROP INDEX inference_calls_status_idx;
    ALTER TABLE inference_calls
      DROP COLUMN error_code,
      DROP COLUMN cost_estimated,
      DROP CONSTRAINT inference_calls_status_check,
      ADD CONSTRAINT inference_calls_status_check CHECK (status IN (${OLD_STATUSES})) NOT VALID;
  `);
};
