import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  KnexCallRecords,
  KnexRetention,
  KnexUsageReadModel,
  RETENTION_LOCK,
  rebuildProjections,
  type ManifestEntry,
} from '../../src/adapters/persistence';
import { reconciliationOf } from '../../src/application/reconcile-spend/reconciliation';
import { DAY, HOUR, succeeded } from '../contracts/fixtures';
import { interruptedOf, started } from '../contracts/spend-fixtures';
import { projectUsage } from '../support/project-usage';
import { useTestDatabase } from '../support/test-database';
import {
  AS_OF,
  callLog,
  populate,
  recordIds,
  rows,
  usageTables,
  type Population,
} from './retention-fixture';

/** With 30 days kept as of AS_OF (June 15 12:00), every day up to May 15 goes: May 16 is kept. */
const BOUNDARY = Date.UTC(2026, 4, 16);

describe('retention over the partitioned call log', () => {
  const database = useTestDatabase();
  let dir: string;
  let pop: Population;

  beforeEach(async () => {
    await database().reset();
    dir = await mkdtemp(join(tmpdir(), 'hs-archive-'));
    pop = await populate(database().knex);
  }, 60_000);
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const retention = (archiveDir = dir) =>
    new KnexRetention(database().knex, { callsDays: 30, archiveDir }, async () => {
      await projectUsage(database().knex);
    });

  it('drops exactly the old days, archives every row, keeps usage, and a rebuild equals live', async () => {
    const knex = database().knex;
    const usageBefore = await usageTables(knex);
    // The consumer key is a dimension of usage: rows of both keys and of no key, in every grain.
    for (const grain of usageBefore) {
      const keys = new Set(grain.map((r: { key_id: string }) => r.key_id));
      expect([...keys].sort()).toEqual(['', 'keyaaaaaaaa1', 'keybbbbbbbb2']);
    }
    const readModel = new KnexUsageReadModel(knex);
    const totalsBefore = await readModel.usage({});
    const windowBefore = await readModel.usage({ since: AS_OF - 60 * DAY, until: AS_OF });
    const eventsBefore = await rows(knex, 'inference_events');
    const recordsBefore = await rows(knex, 'inference_calls');

    const report = await retention().run({ asOf: AS_OF });

    expect(report.ran).toBe(true);
    expect(report.boundary).toBe(new Date(BOUNDARY).toISOString());
    expect(report.skipped).toEqual([]);
    const kept = pop.calls.filter((c) => c.at >= BOUNDARY).map((c) => c.id);
    expect(await recordIds(knex)).toEqual([...kept].sort());
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(pop.calls.length);
    expect(
      await rows(
        knex,
        `inference_events WHERE partition_at < '${new Date(BOUNDARY).toISOString()}'`,
      ),
    ).toBe(0);
    const droppedRecords = recordsBefore - (await rows(knex, 'inference_calls'));
    const droppedEvents = eventsBefore - (await rows(knex, 'inference_events'));
    expect(droppedRecords).toBe(pop.calls.length - kept.length);
    expect(report.dropped.reduce((n, d) => n + d.callRows, 0)).toBe(droppedRecords);
    expect(report.dropped.reduce((n, d) => n + d.eventRows, 0)).toBe(droppedEvents);

    // The archive: one file per dropped partition and kind, rows = dropped rows, checksums hold.
    const manifest = (await readFile(join(dir, 'manifest.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ManifestEntry);
    const archived = { records: new Set<string>(), events: 0 };
    for (const m of manifest) {
      const bytes = await readFile(join(dir, m.file));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(m.sha256);
      const lines = gunzipSync(bytes).toString('utf8').trim().split('\n');
      expect(lines).toHaveLength(m.rows);
      for (const l of lines) {
        const row = JSON.parse(l) as { id?: string; created_at?: string; partition_at?: string };
        const at = Date.parse((m.kind === 'records' ? row.created_at : row.partition_at)!);
        expect(at).toBeGreaterThanOrEqual(Date.parse(m.from));
        expect(at).toBeLessThan(Date.parse(m.until));
        if (m.kind === 'records') archived.records.add(row.id!);
        else archived.events++;
      }
    }
    expect(archived.records.size).toBe(droppedRecords);
    expect(archived.events).toBe(droppedEvents);
    expect([...archived.records].sort()).toEqual(
      pop.calls
        .filter((c) => c.at < BOUNDARY)
        .map((c) => c.id)
        .sort(),
    );
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    // Usage and series over every period answer as before.
    expect(await usageTables(knex)).toEqual(usageBefore);
    expect(await readModel.usage({})).toEqual(totalsBefore);
    expect(await readModel.usage({ since: AS_OF - 60 * DAY, until: AS_OF })).toEqual(windowBefore);

    // Side tables: open intents of dropped days pruned, later ones kept.
    const open = (await knex.raw('SELECT call_id FROM inference_intents ORDER BY call_id')).rows;
    expect(open.map((r: { call_id: string }) => r.call_id)).toEqual(
      pop.open
        .filter((o) => o.at >= BOUNDARY)
        .map((o) => o.id)
        .sort(),
    );
    expect(pop.open.some((o) => o.at < BOUNDARY)).toBe(true);

    // A rebuild starts from the usage kept for the dropped days: it equals the live projections.
    const liveRecords = (await knex.raw('SELECT * FROM inference_calls ORDER BY id')).rows;
    await rebuildProjections(knex);
    expect(await usageTables(knex)).toEqual(usageBefore);
    expect((await knex.raw('SELECT * FROM inference_calls ORDER BY id')).rows).toEqual(liveRecords);
    const reopened = (await knex.raw('SELECT call_id FROM inference_intents ORDER BY call_id'))
      .rows;
    expect(reopened).toEqual(open);

    // A second pass finds nothing more to drop.
    const again = await retention().run({ asOf: AS_OF });
    expect(again.dropped).toEqual([]);
    expect(await usageTables(knex)).toEqual(usageBefore);
  }, 60_000);

  it('appends running during a pass all land', async () => {
    const knex = database().knex;
    const log = callLog(knex);
    const appended: string[] = [];
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop || i < 50; i++) {
        const e = succeeded({ at: Date.now() + i });
        await log.append([e]);
        appended.push(e.data.callId);
      }
    })();
    const report = await retention()
      .run({ asOf: AS_OF })
      .finally(() => (stop = true));
    await writer;
    await log.close();
    expect(report.dropped.length).toBeGreaterThan(0);
    const ids = new Set(await recordIds(knex));
    expect(appended.filter((id) => !ids.has(id))).toEqual([]);
    expect(appended.length).toBeGreaterThanOrEqual(50);
  }, 60_000);

  it('clears answer text after text_days, keeps every total, and a rebuild agrees', async () => {
    const knex = database().knex;
    const usageBefore = await usageTables(knex);
    const textEnd = Date.UTC(2026, 5, 5); // 10 days before June 15 12:00: June 4 is the last
    const report = await new KnexRetention(knex, {
      callsDays: 30,
      textDays: 10,
      archiveDir: '',
    }).run({ asOf: AS_OF });
    expect(report.textsCleared).toBeGreaterThan(0);
    const texts = async (where: string) =>
      rows(knex, `inference_calls WHERE result_text IS NOT NULL AND ${where}`);
    const end = new Date(textEnd).toISOString();
    expect(await texts(`created_at < '${end}'`)).toBe(0);
    expect(await texts(`created_at >= '${end}'`)).toBeGreaterThan(0);
    expect(
      await rows(
        knex,
        `inference_events WHERE partition_at < '${end}' AND data->'text' IS NOT NULL`,
      ),
    ).toBe(0);
    expect(
      await rows(
        knex,
        `inference_events WHERE partition_at >= '${end}' AND data->'text' IS NOT NULL`,
      ),
    ).toBeGreaterThan(0);
    // Tokens and costs stay on the cleared records; usage is untouched.
    expect(
      await rows(knex, `inference_calls WHERE created_at < '${end}' AND input_tokens > 0`),
    ).toBeGreaterThan(0);
    expect(await usageTables(knex)).toEqual(usageBefore);
    const live = (await knex.raw('SELECT * FROM inference_calls ORDER BY id')).rows;
    await rebuildProjections(knex);
    expect((await knex.raw('SELECT * FROM inference_calls ORDER BY id')).rows).toEqual(live);
    expect(await usageTables(knex)).toEqual(usageBefore);
    // Cleared once: a second pass finds nothing to clear.
    const again = await new KnexRetention(knex, {
      callsDays: 30,
      textDays: 10,
      archiveDir: '',
    }).run({ asOf: AS_OF });
    expect(again.textsCleared).toBe(0);
  }, 60_000);

  it('a pass without an archive directory drops all the same', async () => {
    const knex = database().knex;
    const usageBefore = await usageTables(knex);
    const report = await retention('').run({ asOf: AS_OF });
    expect(report.dropped.length).toBeGreaterThan(0);
    expect(report.dropped.every((d) => d.archived.length === 0)).toBe(true);
    expect(await readdir(dir)).toEqual([]);
    expect(
      await rows(knex, `inference_calls WHERE created_at < '${new Date(BOUNDARY).toISOString()}'`),
    ).toBe(0);
    expect(await usageTables(knex)).toEqual(usageBefore);
  }, 60_000);

  it('a dry run says what it would drop and changes nothing', async () => {
    const knex = database().knex;
    const tables = async () =>
      (await knex.raw("SELECT relname FROM pg_class WHERE relname LIKE 'inference_%' ORDER BY 1"))
        .rows;
    const before = {
      tables: await tables(),
      records: await recordIds(knex),
      events: await rows(knex, 'inference_events'),
    };
    const report = await retention().run({ asOf: AS_OF, dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(report.boundary).toBe(new Date(BOUNDARY).toISOString());
    expect(report.dropped.reduce((n, d) => n + d.callRows, 0)).toBe(
      pop.calls.filter((c) => c.at < BOUNDARY).length,
    );
    expect(report.created.length).toBeGreaterThan(0);
    expect({
      tables: await tables(),
      records: await recordIds(knex),
      events: await rows(knex, 'inference_events'),
    }).toEqual(before);
    expect(await readdir(dir)).toEqual([]);
    expect(await rows(knex, 'retention_passes')).toBe(0);
  }, 60_000);

  it('one pass at a time: a pass held elsewhere makes this one a no-op; two at once drop each day once', async () => {
    const knex = database().knex;
    const conn = await knex.client.acquireConnection();
    try {
      await knex.raw('SELECT pg_advisory_lock(?)', [RETENTION_LOCK]).connection(conn);
      const blocked = await retention().run({ asOf: AS_OF });
      expect(blocked.ran).toBe(false);
      expect(await rows(knex, 'retention_drops')).toBe(0);
    } finally {
      await knex.raw('SELECT pg_advisory_unlock(?)', [RETENTION_LOCK]).connection(conn);
      await knex.client.releaseConnection(conn);
    }
    const [a, b] = await Promise.all([
      retention().run({ asOf: AS_OF }),
      retention().run({ asOf: AS_OF }),
    ]);
    const days = [...a.dropped, ...b.dropped].map((d) => d.from);
    expect(new Set(days).size).toBe(days.length);
    expect(days.length).toBe(await rows(knex, "retention_drops WHERE state = 'dropped'"));
    expect(
      await rows(knex, `inference_calls WHERE created_at < '${new Date(BOUNDARY).toISOString()}'`),
    ).toBe(0);
  }, 60_000);

  it('keeps events idempotent by id across partitions', async () => {
    const knex = database().knex;
    const log = callLog(knex);
    // No partition for June 13 yet: the event lands in the default partition.
    const e = succeeded({ at: AS_OF - 2 * DAY });
    await log.append([e]);
    await retention().run({ asOf: AS_OF }); // makes June 13's partition and moves the row there
    expect(await rows(knex, 'inference_events_p20260613')).toBe(1);
    await log.append([e]); // a replay (a journal, a retried batch): found in its partition
    // The same call's outcome again, 13 hours later and in the next day's partition (a journal
    // replayed after another instance settled the call): a new event, but still one record.
    await log.append([succeeded({ at: AS_OF - DAY - 11 * HOUR, callId: e.data.callId })]);
    // One call reconciled by two instances at different times (days apart): one event id, and
    // it is filed by the call's time, not its own, so both land on the same row.
    const i = started({ at: AS_OF - DAY });
    await log.append([i, interruptedOf(i)]);
    const record = await new KnexCallRecords(knex).get(i.data.callId);
    const figures = { inputTokens: 5, outputTokens: 5, costNanos: 1_000_000 };
    const reconcile = (at: number) =>
      reconciliationOf({ ...record!, status: 'interrupted', upstreamId: 'gen-1' }, figures, at);
    await log.append([reconcile(AS_OF)]);
    await log.append([reconcile(AS_OF + 3 * DAY)]);
    await log.close();
    expect(await rows(knex, `inference_events WHERE event_id = '${e.eventId}'`)).toBe(1);
    expect(await rows(knex, `inference_calls WHERE id = '${e.data.callId}'`)).toBe(1);
    expect(
      await rows(knex, `inference_events WHERE event_id = '${reconcile(AS_OF).eventId}'`),
    ).toBe(1);
    expect(
      (await knex.raw('SELECT cost_estimated FROM inference_calls WHERE id = ?', [i.data.callId]))
        .rows[0].cost_estimated,
    ).toBe(false);
  }, 60_000);
});
