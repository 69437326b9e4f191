import type { DatabaseState } from '../../ports';

/** Where a database that was not there at start is: not reached yet, or applying migrations. */
export type Availability = 'absent' | 'migrating' | 'ready';

/**
 * Thrown instead of touching a database that is not migrated yet. A passing failure (no
 * SQLSTATE): the call log keeps events in its journal, reads answer `unavailable`. `code` is the
 * connection's own (`ECONNREFUSED`) when known, so logs and status say what is wrong.
 */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
  readonly code: string;
  constructor(state: Exclude<Availability, 'ready'>, cause: string | null) {
    super(
      state === 'migrating'
        ? 'the database is applying migrations'
        : `the database has not been reached since start${cause ? ` (${cause})` : ''}`,
    );
    this.code = state === 'migrating' ? 'DATABASE_MIGRATING' : (cause ?? 'DATABASE_ABSENT');
  }
}

/**
 * Whether the service's database can be used yet. A database absent at start leaves the service
 * serving on its journal; this says so, refuses use until migrations are applied, and tells
 * whoever waits (`whenReady`) the moment they are.
 */
export class DatabaseAvailability {
  private current: Availability;
  private cause: string | null = null;
  private readonly waiting: Array<() => void> = [];

  constructor(initial: Availability = 'ready') {
    this.current = initial;
  }

  get state(): Availability {
    return this.current;
  }

  /** Why the database cannot be used yet, for status; null once it can. */
  get reason(): string | null {
    return this.current === 'ready'
      ? null
      : new DatabaseUnavailableError(this.current, this.cause).message;
  }

  /** Throws `DatabaseUnavailableError` unless the database is migrated. */
  assertReady(): void {
    if (this.current !== 'ready') throw new DatabaseUnavailableError(this.current, this.cause);
  }

  /** Not reached (again): `cause` is the connection error's code, when it has one. */
  absent(cause: unknown): void {
    this.current = 'absent';
    const code = (cause as { code?: unknown } | null)?.code;
    this.cause = typeof code === 'string' && /^[A-Z0-9_]{3,40}$/.test(code) ? code : null;
  }

  migrating(): void {
    this.current = 'migrating';
  }

  ready(): void {
    this.current = 'ready';
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  /** Resolves once the database is migrated (at once if it is). */
  whenReady(): Promise<void> {
    return this.current === 'ready'
      ? Promise.resolve()
      : new Promise((resolve) => this.waiting.push(resolve));
  }

  /** The state status shows, given whether writes are failing right now. */
  describe(writesFailing: boolean): DatabaseState {
    if (this.current !== 'ready') return this.current;
    return writesFailing ? 'unreachable' : 'connected';
  }
}
