import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createInferenceService, type InferenceService } from '../../src';
import { InMemoryGateway } from '../../src/adapters/in-memory';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/adapters/persistence';

/** A PostgreSQL of the test's own that it may stop and start (never the machine's server). */
export class StoppableDatabase {
  private pg: EmbeddedPostgres | undefined;
  private constructor(
    readonly dir: string,
    private port: number,
    readonly url: string,
  ) {}

  /** Starts one in a fresh temporary directory. */
  static async start(): Promise<StoppableDatabase> {
    const dir = await mkdtemp(join(tmpdir(), 'headspace-outage-'));
    await chmod(dir, 0o755); // PostgreSQL runs as its own user when we are root
    const pg = await startEmbeddedPostgres({ dir: join(dir, 'pg'), unsafeFast: true });
    const db = new StoppableDatabase(dir, pg.port, pg.url);
    db.pg = pg;
    return db;
  }

  async stop(): Promise<void> {
    await this.pg?.stop();
    this.pg = undefined;
  }

  /** Starts it again on the same port, so the service's pool finds it where it was. */
  async restart(): Promise<void> {
    this.pg ??= await startEmbeddedPostgres({
      dir: join(this.dir, 'pg'),
      port: this.port,
      unsafeFast: true,
    });
  }

  async destroy(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Log lines the service wrote, parsed. */
export type LogLines = Array<{ level: number; msg: string; err?: string }>;

/** The service on `db` with a deterministic gateway, limits out of the way, and its log kept. */
export const serviceOn = async (
  db: StoppableDatabase,
  database: Record<string, unknown> = {},
  shutdownMs = 30_000,
): Promise<{ svc: InferenceService; lines: LogLines }> => {
  const lines: LogLines = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  const svc = await createInferenceService({
    config: {
      server: { shutdown_timeout_ms: shutdownMs },
      database: { url: db.url, ...database },
      data_dir: join(db.dir, 'data'),
      openrouter: {
        api_key: 'test-key',
        cache: { enabled: false },
        rate_limits: { calls_per_minute: 1_000_000, tokens_per_minute: 1_000_000_000 },
      },
    },
    env: {},
    gateway: new InMemoryGateway(),
    logger: pino({ level: 'info' }, sink),
    background: false,
  });
  return { svc, lines };
};

/** Runs `n` calls at once; the call ids of those answered, and the codes of those refused. */
export const calls = async (svc: InferenceService, n: number, tag: string) => {
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      svc.infer({ level: i % 2 ? 'turn' : 'project', purpose: tag, input: `${tag} ${i}` }),
    ),
  );
  return {
    answered: results.flatMap((r) => (r.isOk() ? [r.value.callId] : [])),
    refused: results.flatMap((r) => (r.isErr() ? [r.error.code] : [])),
  };
};
