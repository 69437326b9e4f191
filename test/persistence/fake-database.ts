import { ManualClock } from '../../src/adapters/in-memory';
import type { LogSink } from '../../src/adapters/persistence';
import { Backlog } from '../../src/adapters/persistence/append/backlog';
import { GroupCommit } from '../../src/adapters/persistence/append/group-commit';
import type { CallLogEvent } from '../../src/domain';

/** A stand-in for PostgreSQL behind a GroupCommit: records batches, can be down or refuse. */
export class FakeDatabase {
  /** Event ids of each write attempted, in order. */
  readonly batches: string[][] = [];
  /** Event ids committed, each once (writes are idempotent). */
  readonly stored: string[] = [];
  down = false;
  /** Event ids the database refuses as bad data. */
  readonly refuse = new Set<string>();
  private holding = false;
  private waiting: Array<() => void> = [];

  /** Makes writes wait until released. */
  hold(): void {
    this.holding = true;
  }

  /** Lets the oldest waiting write proceed; later writes still wait. */
  releaseOne(): void {
    this.waiting.shift()?.();
  }

  /** Lets every write proceed, now and later. */
  release(): void {
    this.holding = false;
    for (const open of this.waiting.splice(0)) open();
  }

  readonly write = async (events: readonly CallLogEvent[]): Promise<void> => {
    this.batches.push(events.map((e) => e.eventId));
    if (this.holding) await new Promise<void>((r) => this.waiting.push(r));
    if (this.down) {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
        code: 'ECONNREFUSED',
      });
    }
    if (events.some((e) => this.refuse.has(e.eventId))) {
      throw Object.assign(new Error('invalid input syntax'), { severity: 'ERROR', code: '22P02' });
    }
    for (const e of events) if (!this.stored.includes(e.eventId)) this.stored.push(e.eventId);
  };
}

/** A log sink that keeps its lines, to check what an operator would read. */
export class RecordingSink implements LogSink {
  readonly lines: Array<{ level: string; message: string; fields: object }> = [];
  info(fields: object, message: string): void {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(fields: object, message: string): void {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(fields: object, message: string): void {
    this.lines.push({ level: 'error', message, fields });
  }
}

/** Lets pending promise callbacks run (no time passes). */
export const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
};

/** A GroupCommit over a FakeDatabase, a manual clock and an in-memory backlog. */
export const groupCommitFixture = (
  opts: { batchMax?: number; maxBacklog?: number; writeTimeoutMs?: number; lanes?: number } = {},
) => {
  const db = new FakeDatabase();
  const clock = new ManualClock();
  const sink = new RecordingSink();
  const log = new GroupCommit(
    db.write,
    new Backlog(null),
    clock,
    {
      batchMax: opts.batchMax ?? 100,
      ...(opts.lanes === undefined ? {} : { lanes: opts.lanes }),
      maxBacklog: opts.maxBacklog ?? 100,
      retryBaseMs: 100,
      retryMaxMs: 1000,
      ...(opts.writeTimeoutMs === undefined ? {} : { writeTimeoutMs: opts.writeTimeoutMs }),
    },
    sink,
  );
  const state = (p: Promise<unknown>) => {
    const s = { done: false, failed: undefined as unknown };
    p.then(
      () => (s.done = true),
      (e: unknown) => (s.failed = e),
    );
    return s;
  };
  return { db, clock, sink, log, state };
};
