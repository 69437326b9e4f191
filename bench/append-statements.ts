import { appendEvents } from '../src/adapters/persistence/append/append-statement';
import type { CallLogEvent, InferenceEvent, InferenceStarted } from '../src/domain';
import { freshDatabase, prng, quantile, serverSettings, syntheticCall } from './synthetic-calls';

/**
 * `npm run bench:append`: what one append statement costs, one batch at a time (no group commit,
 * nothing else running), by what the batch holds: k intents of new calls, the k outcomes that
 * close them, or k outcomes with k new calls' intents (the mix the service writes under load). Each batch gets the statement
 * for its event types (`appendStatementFor`), as the call log sends it.
 */
const r = prng(3);
const ROUNDS = 200;
const WARM = 20;

const intentOf = (e: InferenceEvent): InferenceStarted => ({
  type: 'InferenceStarted',
  eventId: crypto.randomUUID(),
  occurredAt: e.occurredAt,
  data: {
    callId: e.data.callId,
    level: e.data.level,
    purpose: e.data.purpose,
    model: e.data.model,
    inputHash: e.data.inputHash,
    projectId: e.data.projectId,
    agentId: e.data.agentId,
    commandId: null,
    turnId: null,
    estimatedCostNanos: 4_200_000,
    instanceId: 'bench',
  },
});

const main = async (): Promise<void> => {
  const db = await freshDatabase('hs_bench_append', 4);
  try {
    console.log(`server: ${await serverSettings(db.knex)}`);
    const timed = async (events: readonly CallLogEvent[]): Promise<number> => {
      const t0 = process.hrtime.bigint();
      await appendEvents(db.serviceKnex, events, 15_000);
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    const calls = (k: number) => Array.from({ length: k }, () => syntheticCall(r, Date.now()));
    console.log(
      '| events per batch | k intents p50 / p90 ms | k outcomes | k outcomes + k intents |',
    );
    console.log('| --- | --- | --- | --- |');
    for (const k of [1, 5, 25]) {
      const intents: number[] = [];
      const outcomes: number[] = [];
      const mixed: number[] = [];
      for (let i = 0; i < ROUNDS + WARM; i++) {
        // Each timed batch does what it would in the service: intents open fresh calls,
        // outcomes close calls whose intents are open.
        const [a, b, c] = [calls(k), calls(k), calls(k)];
        const tIntents = await timed(a.map(intentOf));
        await appendEvents(db.serviceKnex, b.map(intentOf), 15_000);
        const tOutcomes = await timed(a);
        const tMixed = await timed([...b, ...c.map(intentOf)]);
        await appendEvents(db.serviceKnex, c, 15_000);
        if (i < WARM) continue;
        intents.push(tIntents);
        outcomes.push(tOutcomes);
        mixed.push(tMixed);
      }
      const f = (xs: number[]) =>
        `${quantile(xs, 0.5).toFixed(2)} / ${quantile(xs, 0.9).toFixed(2)}`;
      console.log(`| ${k} | ${f(intents)} | ${f(outcomes)} | ${f(mixed)} |`);
    }
  } finally {
    await db.drop();
  }
};

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
