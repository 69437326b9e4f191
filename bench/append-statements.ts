import { appendEvents } from '../src/adapters/persistence/append/append-statement';
import type { CallLogEvent, InferenceEvent, InferenceStarted } from '../src/domain';
import { freshDatabase, prng, quantile, serverSettings, syntheticCall } from './synthetic-calls';

/**
 * `npm run bench:append`: what one append statement costs, one batch at a time (no group commit,
 * nothing else running), by what the batch holds: k intents, k outcomes, or k outcomes with the
 * next k calls' intents (the mix the service writes under load). Each batch gets the statement
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
      let previous = calls(k);
      for (let i = 0; i < ROUNDS + WARM; i++) {
        const next = calls(k);
        const [a, b, c] = [
          await timed(next.map(intentOf)),
          await timed(previous),
          await timed([...calls(k), ...next.map(intentOf)]),
        ];
        previous = next;
        if (i < WARM) continue;
        intents.push(a);
        outcomes.push(b);
        mixed.push(c);
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
