import type { Knex } from 'knex';
import type { UsageLag } from '../../../ports';
import { BEHIND_SQL, HORIZON_SQL, readUsageLag } from '../projector/projector-sql';

/** Something that projects soon when asked and says when its next step ended. */
export interface ProjectorHandle {
  nextStep(): Promise<void>;
}

/** The fewest milliseconds between two looks at the checkpoint while waiting. */
const LOOK_EVERY_MS = 5;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * Read-your-writes for the asynchronous usage aggregates: the log's horizon is taken when a read
 * begins (every transaction committed by then is below it), then the read waits, at most its
 * bound, until no usage event below it is still unprojected. With a projector in this process
 * it kicks it and waits on its steps; otherwise (another instance holds the lock) it looks again.
 */
export class UsageFreshness {
  constructor(
    private readonly db: Knex,
    private readonly projector?: ProjectorHandle,
  ) {}

  async caughtUp(boundMs: number): Promise<UsageLag | null> {
    const deadline = Date.now() + boundMs;
    const horizon = String((await this.db.raw(HORIZON_SQL)).rows[0].horizon);
    for (;;) {
      const behind = (await this.db.raw(BEHIND_SQL, [horizon])).rows[0]?.behind === true;
      if (!behind) return null;
      const left = deadline - Date.now();
      if (left <= 0) return (await this.lag()) ?? null;
      const looked = Date.now();
      await Promise.race([this.projector?.nextStep() ?? sleep(LOOK_EVERY_MS), sleep(left)]);
      const waited = Date.now() - looked;
      if (waited < LOOK_EVERY_MS) await sleep(LOOK_EVERY_MS - waited);
    }
  }

  async lag(): Promise<UsageLag | null> {
    return readUsageLag(this.db, Date.now());
  }
}
