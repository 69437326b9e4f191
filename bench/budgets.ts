import { InMemoryBudgetLedger } from '../src/adapters/in-memory';
import { RedisBudgetLedger, type RedisLink } from '../src/adapters/redis';
import type { Budget } from '../src/domain';
import type { BudgetLedger, BudgetReservation, Clock } from '../src/ports';
import { measure, table } from './op-latency';

/** Three budgets, two of which match the benchmark's calls (turn, project p1). */
const BUDGETS: readonly Budget[] = [
  { name: 'daily', period: 'day', limitUsd: 1e6 },
  { name: 'turns-month', period: 'month', limitUsd: 1e6, level: 'turn' },
  { name: 'other-project', period: 'week', limitUsd: 1e6, projectId: 'p2' },
];
const FULL: readonly Budget[] = [{ name: 'spent', period: 'day', limitUsd: 1e-9 }];
const CHARGE = { level: 'turn', projectId: 'p1', nanos: 5_100_000 } as const;

const reserved = async (l: BudgetLedger): Promise<BudgetReservation> =>
  (await l.reserve(CHARGE))._unsafeUnwrap();

/**
 * Budget check latency: reserve (all or none over the matching budgets) and settle, in process
 * and through Redis (one Lua script per reserve: one round trip, like PING).
 */
export const benchBudgets = async (ops: number, clock: Clock, link?: RedisLink): Promise<void> => {
  const local = new InMemoryBudgetLedger(clock, BUDGETS);
  const full = new InMemoryBudgetLedger(clock, FULL);
  const held: BudgetReservation[] = [];
  const rows = [
    await measure('reserve, 2 of 3 budgets match', ops, async () =>
      held.push(await reserved(local)),
    ),
    await measure('settle', ops, (i) => held[i]!.settle(1_000_000)),
    await measure('reserve, refused', ops, () => full.reserve(CHARGE)),
    await measure('snapshot (3 budgets)', 20_000, () => local.snapshot()),
  ];
  console.log(table(`In process: InMemoryBudgetLedger (${ops} ops each)`, rows));
  if (!link) return;
  const n = Math.min(ops, 20_000);
  const prefix = `bench:${process.pid}:budgets:`;
  const redisOf = (budgets: readonly Budget[], name: string) =>
    new RedisBudgetLedger(link, {
      budgets,
      keyPrefix: `${prefix}${name}:`,
      clock,
      fallback: new InMemoryBudgetLedger(clock, budgets),
    });
  const shared = redisOf(BUDGETS, 'open');
  const refused = redisOf(FULL, 'full');
  const rHeld: BudgetReservation[] = [];
  const redisRows = [
    await measure('PING, for reference: one round trip', n, () => link.client.ping()),
    await measure('reserve, 2 of 3 budgets match', n, async () =>
      rHeld.push(await reserved(shared)),
    ),
    await measure('settle', n, (i) => rHeld[i]!.settle(1_000_000)),
    await measure('reserve, refused', n, () => refused.reserve(CHARGE)),
    await measure('snapshot refresh (3 budgets)', 2000, () => shared.refresh()),
  ];
  console.log(table(`RedisBudgetLedger, Redis on loopback (${n} ops each)`, redisRows));
  const keys = await link.client.keys(`{${prefix}*`);
  if (keys.length > 0) await link.client.del(...keys);
};
