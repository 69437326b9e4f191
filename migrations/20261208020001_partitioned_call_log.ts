import type { Knex } from 'knex';

// Listed here, not imported: a migration must stay as it ran, whatever the code later becomes.
const CALL_EVENT_TYPES = [
  'InferenceStarted',
  'InferenceUpstreamIdentified',
  'InferenceSucceeded',
  'InferenceFailed',
  'InferenceServedFromCache',
  'InferenceRateLimited',
  'InferenceCancelled',
  'InferenceInterrupted',
  'InferenceReconciled',
];

/** Where an existing event is filed: its call's day; an event about no call is kept for ever. */
const EVENT_PARTITION_AT = `CASE
  WHEN type = 'InferenceReconciled' AND data->>'callCreatedAt' IS NOT NULL
    THEN (data->>'callCreatedAt')::timestamptz
  WHEN type IN (${CALL_EVENT_TYPES.map((t) => `'${t}'`).join(', ')}) THEN occurred_at
  ELSE 'infinity'::timestamptz END`;

interface IndexRow {
  readonly name: string;
  readonly def: string;
  readonly constraint_type: string | null;
}

/** One table's conversion: its name, its partition key, and its keys rewritten to include it. */
interface Conversion {
  readonly table: string;
  readonly key: string;
  /** The key column's value for the rows copied (an expression over the old row). */
  readonly keyValue: string;
  /** Whether the key column is new (events) or already there (calls). */
  readonly addsKey: boolean;
  readonly primary: string;
  readonly uniques: ReadonlyArray<readonly [name: string, columns: string]>;
  /** Extra partitions beside the days and the default: `[suffix, bounds]`. */
  readonly extra: ReadonlyArray<readonly [suffix: string, bounds: string]>;
}

const EVENTS: Conversion = {
  table: 'inference_events',
  key: 'partition_at',
  keyValue: EVENT_PARTITION_AT,
  addsKey: true,
  primary: '(position, partition_at)',
  uniques: [['inference_events_event_id_key', '(event_id, partition_at)']],
  extra: [['kept', "FROM ('infinity') TO (MAXVALUE)"]],
};

const CALLS: Conversion = {
  table: 'inference_calls',
  key: 'created_at',
  keyValue: 'created_at',
  addsKey: false,
  primary: '(id, created_at)',
  uniques: [],
  extra: [],
};

const dayTag = (d: Date): string => d.toISOString().slice(0, 10).replaceAll('-', '');

const columnsOf = async (knex: Knex, table: string): Promise<string[]> => {
  const { rows } = await knex.raw(
    `SELECT quote_ident(attname) AS name FROM pg_attribute
     WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [table],
  );
  return (rows as Array<{ name: string }>).map((r) => r.name);
};

/** Every index of `table` with its definition, and the constraint it backs (if any). */
const indexesOf = async (knex: Knex, table: string): Promise<IndexRow[]> => {
  const { rows } = await knex.raw(
    `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS def, c.contype AS constraint_type
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
     LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
     WHERE x.indrelid = ?::regclass ORDER BY i.relname`,
    [table],
  );
  return rows as IndexRow[];
};

/**
 * Replaces `c.table` by a table of the same columns (whatever earlier migrations, or later
 * ones of other features that ran before this, added), range-partitioned by day on `c.key`:
 * one partition per day that holds rows, a default partition for rows of any other time, and
 * the rows copied. Secondary indexes are read from the catalog and issued again as they were;
 * keys gain the partition key (a unique index of a partitioned table must hold it).
 */
const partition = async (knex: Knex, c: Conversion): Promise<void> => {
  const old = `${c.table}_unpartitioned`;
  const indexes = await indexesOf(knex, c.table);
  const unique = indexes.find((i) => i.constraint_type === null && /CREATE UNIQUE/.test(i.def));
  if (unique) throw new Error(`${c.table}: unique index ${unique.name} cannot be partitioned`);
  const columns = await columnsOf(knex, c.table);
  await knex.raw(`ALTER TABLE ${c.table} RENAME TO ${old}`);
  for (const i of indexes)
    await knex.raw(`ALTER INDEX ${i.name} RENAME TO ${i.name}_unpartitioned`);
  const addKey = c.addsKey ? `, ${c.key} timestamptz NOT NULL` : '';
  await knex.raw(`
    CREATE TABLE ${c.table} (LIKE ${old} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED
      INCLUDING STORAGE INCLUDING COMMENTS INCLUDING CONSTRAINTS ${addKey},
      CONSTRAINT ${c.table}_pkey PRIMARY KEY ${c.primary}
      ${c.uniques.map(([n, cols]) => `, CONSTRAINT ${n} UNIQUE ${cols}`).join('')}
    ) PARTITION BY RANGE (${c.key})`);
  await knex.raw(`CREATE TABLE ${c.table}_default PARTITION OF ${c.table} DEFAULT`);
  for (const [suffix, bounds] of c.extra)
    await knex.raw(
      `CREATE TABLE ${c.table}_${suffix} PARTITION OF ${c.table} FOR VALUES ${bounds}`,
    );
  // The days that hold rows, and yesterday, today and the week ahead (what a retention pass
  // keeps ready), so the first calls after the migration find their partition.
  const { rows: days } = await knex.raw(
    `SELECT DISTINCT date_trunc('day', k, 'UTC') AS day FROM (SELECT ${c.keyValue} AS k FROM ${old}
       UNION ALL SELECT now() + d * interval '1 day' FROM generate_series(-1, 7) d) o
     WHERE k < 'infinity' AND k > '-infinity'`,
  );
  for (const { day } of days as Array<{ day: Date }>) {
    const until = new Date(day.getTime() + 86_400_000);
    await knex.raw(
      `CREATE TABLE ${c.table}_p${dayTag(day)} PARTITION OF ${c.table}
       FOR VALUES FROM ('${day.toISOString()}') TO ('${until.toISOString()}')`,
    );
  }
  const list = columns.join(', ');
  await knex.raw(`
    INSERT INTO ${c.table} (${list}${c.addsKey ? `, ${c.key}` : ''}) OVERRIDING SYSTEM VALUE
    SELECT ${list}${c.addsKey ? `, ${c.keyValue}` : ''} FROM ${old}`);
  for (const i of indexes)
    if (i.constraint_type === null) await knex.raw(i.def.replace(' ON ONLY ', ' ON '));
  await knex.raw(`DROP TABLE ${old}`);
};

/** Moves the identity sequence of the log past the positions copied. */
const continuePositions = async (knex: Knex): Promise<void> => {
  await knex.raw(`
    SELECT setval(pg_get_serial_sequence('inference_events', 'position'),
      coalesce((SELECT max(position) FROM inference_events), 0) + 1, false)`);
};

/**
 * The log's guard, with one way through: a retention pass moving rows out of a default
 * partition, or clearing old answer text.
 */
const GUARD = `
  CREATE OR REPLACE FUNCTION inference_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF current_setting('headspace.retention', true) = 'on' THEN
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      IF TG_OP = 'UPDATE' THEN RETURN NEW; END IF;
    END IF;
    RAISE EXCEPTION 'inference_events is append-only (% refused)', TG_OP
      USING ERRCODE = 'restrict_violation';
  END $$;
  CREATE TRIGGER inference_events_no_rewrite BEFORE UPDATE OR DELETE ON inference_events
    FOR EACH ROW EXECUTE FUNCTION inference_events_append_only();
  CREATE TRIGGER inference_events_no_truncate BEFORE TRUNCATE ON inference_events
    FOR EACH STATEMENT EXECUTE FUNCTION inference_events_append_only();`;

/**
 * Call records and events in daily range partitions, so that retention drops whole days instead
 * of deleting rows. Events are filed by their call's day (`partition_at`; a reconciliation by
 * the day of the call it corrects, events about no call in a partition kept for ever), so an
 * event id always maps to one partition and (event_id, partition_at) is as unique as event_id.
 * Also: the usage of dropped events (`usage_retained`, per drop, minute grain: what a rebuild
 * starts from), the drops (`retention_drops`), the passes (`retention_passes`) and the days
 * whose answer text was cleared (`retention_texts`).
 */
export const up = async (knex: Knex): Promise<void> => {
  await knex.raw('LOCK TABLE inference_events, inference_calls IN ACCESS EXCLUSIVE MODE');
  await partition(knex, EVENTS);
  await continuePositions(knex);
  await knex.raw(GUARD);
  await partition(knex, CALLS);
  await knex.raw(`
    CREATE TABLE retention_drops (
      id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      day_from    timestamptz NOT NULL,
      day_until   timestamptz NOT NULL,
      state       text        NOT NULL CHECK (state IN ('detached', 'dropped')),
      events      text        NOT NULL,
      calls       text        NOT NULL,
      event_rows  bigint,
      call_rows   bigint,
      detached_at timestamptz NOT NULL DEFAULT now(),
      dropped_at  timestamptz
    );
    CREATE TABLE usage_retained (drop_id bigint NOT NULL REFERENCES retention_drops (id),
      LIKE usage_minute INCLUDING DEFAULTS,
      PRIMARY KEY (drop_id, bucket, level, model, project_id, key_id));
    CREATE TABLE retention_passes (
      at          timestamptz NOT NULL DEFAULT now(),
      as_of       timestamptz NOT NULL,
      boundary    timestamptz,
      dropped     integer     NOT NULL,
      call_rows   bigint      NOT NULL,
      event_rows  bigint      NOT NULL,
      texts_cleared bigint    NOT NULL DEFAULT 0
    );
    CREATE INDEX retention_passes_at_idx ON retention_passes (at);
    CREATE TABLE retention_texts (
      day_from   timestamptz PRIMARY KEY,
      cleared_at timestamptz NOT NULL DEFAULT now(),
      records    bigint      NOT NULL,
      events     bigint      NOT NULL
    );
  `);
};

const unpartition = async (knex: Knex, c: Conversion, keys: string): Promise<void> => {
  const old = `${c.table}_partitioned`;
  const indexes = await indexesOf(knex, c.table);
  const columns = (await columnsOf(knex, c.table)).filter((n) => !c.addsKey || n !== c.key);
  await knex.raw(`ALTER TABLE ${c.table} RENAME TO ${old}`);
  for (const i of indexes) await knex.raw(`ALTER INDEX ${i.name} RENAME TO ${i.name}_partitioned`);
  await knex.raw(`
    CREATE TABLE ${c.table} (LIKE ${old} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED
      INCLUDING STORAGE INCLUDING COMMENTS INCLUDING CONSTRAINTS, ${keys})`);
  if (c.addsKey) await knex.raw(`ALTER TABLE ${c.table} DROP COLUMN ${c.key}`);
  const list = columns.join(', ');
  await knex.raw(
    `INSERT INTO ${c.table} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM ${old}`,
  );
  for (const i of indexes)
    if (i.constraint_type === null) await knex.raw(i.def.replace(' ON ONLY ', ' ON '));
  await knex.raw(`DROP TABLE ${old}`);
};

/** Back to plain tables (rows of every partition copied; the retention tables dropped). */
export const down = async (knex: Knex): Promise<void> => {
  await knex.raw('DROP TABLE retention_texts, retention_passes, usage_retained, retention_drops');
  await unpartition(
    knex,
    EVENTS,
    'CONSTRAINT inference_events_pkey PRIMARY KEY (position), CONSTRAINT inference_events_event_id_key UNIQUE (event_id)',
  );
  await continuePositions(knex);
  await knex.raw(GUARD);
  await unpartition(knex, CALLS, 'CONSTRAINT inference_calls_pkey PRIMARY KEY (id)');
};
