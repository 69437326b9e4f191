import { join } from 'node:path';
import { BEFORE_BUILD_DIR, BUILD_DIR, buildService } from './build';
import type { Child } from './children';
import { benchDatabase, type BenchDatabase, type Persistence } from './database';
import { ensurePeer, PEER, startPeer } from './peer';
import type { Subject } from './scenarios';
import * as stack from './stack';

/** Everything a run measures, and what to stop afterwards. */
export interface Setup {
  readonly subjects: Subject[];
  /** Measured at saturation only: the cache-hit paths (ours, and before's with --before-src). */
  readonly cached: Subject[];
  readonly database: string;
  readonly peer: string;
  /** What `before` is, when measured. */
  readonly before?: string;
  /** With `tracing`: what the OTLP sink received so far. */
  readonly traces?: () => Promise<{ requests: number; bytes: number; spans: number }>;
}

/** How to set up. */
export interface SetupOptions {
  readonly root: string;
  /** Where the service's src/ and migrations/ come from (default: root). */
  readonly serviceSource?: string;
  /**
   * A checkout of an older version, measured beside ours as `before`: its own build, its own
   * database (migrated with its own migrations), its own two processes.
   */
  readonly beforeSource?: string;
  readonly tmp: string;
  readonly peer: boolean;
  /** Node flags for the service processes (e.g. `--cpu-prof`). */
  readonly nodeArgs: readonly string[];
  /** `synchronous_commit = off` on the bench database: shows what waiting for fsync costs. */
  readonly asyncCommit: boolean;
  /** The services keep the call log in memory (`--memory`): no database at all. */
  readonly memory: boolean;
  /** Every child started and the database opened go here, for the caller to clean up. */
  readonly children: Child[];
  /** Each database opened, in order (the caller drops them in reverse). */
  readonly onDatabase: (db: BenchDatabase) => void;
  /** Further `database` settings for this checkout's service (e.g. `commit_lanes`). */
  readonly database?: Record<string, unknown>;
  /**
   * This checkout's service processes export traces to a local OTLP sink (before's never do:
   * `--before-src` of this same checkout then measures tracing off against on).
   */
  readonly tracing?: boolean;
  /**
   * This checkout's service runs with a token and is called with a consumer key (infer, read)
   * it issued: what verifying a key costs a call (before's run open, without).
   */
  readonly key?: boolean;
  /**
   * Measure `before` ahead of this checkout at every step (default: after). The side measured
   * first pays for what the database does in the background meanwhile: an A/A run showed ~30%.
   */
  readonly beforeFirst?: boolean;
}

/** The bootstrap token of a `--key` run (it only issues the key the load then uses). */
const BENCH_TOKEN = 'bench-bootstrap-token-0123456789abcdef';

/** A built service's persistence adapter (what `buildService` just wrote into `dir`). */
const builtPersistence = (root: string, dir: string): Persistence =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(join(root, dir, 'src', 'adapters', 'persistence')) as Persistence;

/** One version of the service: two processes (cache off, cache on) on one database. */
interface Version {
  readonly unique: Subject[];
  readonly cached: Subject;
}

/**
 * Installs the peer (in the background) while it transpiles the service and opens a database;
 * then starts the fake OpenRouter, two service processes (cache off for unique inputs, cache on
 * for hits) and the peer; with `beforeSource`, two more processes of that version on a database
 * of their own.
 */
export const setUp = async (o: SetupOptions): Promise<Setup> => {
  const peerReady = o.peer ? ensurePeer(o.root) : Promise.resolve('skipped (--no-peer)');
  const { main, bareProxy } = buildService(o.root, o.serviceSource, BUILD_DIR);
  const beforeMain = o.beforeSource
    ? buildService(o.root, o.beforeSource, BEFORE_BUILD_DIR).main
    : undefined;
  const db = o.memory ? undefined : await benchDatabase();
  if (db) o.onDatabase(db);
  const beforeDb = db && o.beforeSource ? await db.sibling('before') : undefined;
  if (beforeDb) o.onDatabase(beforeDb);
  // Each with the migrations of the version that uses it (another checkout's, with --service-src).
  await db?.migrate(builtPersistence(o.root, BUILD_DIR));
  await beforeDb?.migrate(builtPersistence(o.root, BEFORE_BUILD_DIR));
  for (const d of [db, beforeDb]) {
    if (d && o.asyncCommit) await d.setting('synchronous_commit', 'off');
  }
  const fake = await stack.startFake(o.root, o.tmp);
  o.children.push(fake);
  const bare = await stack.startBareProxy(bareProxy, o.tmp, fake.baseUrl);
  o.children.push(bare);
  const sink = o.tracing ? await stack.startOtlpSink(o.root, o.tmp) : undefined;
  if (sink) o.children.push(sink);
  const service = async (name: string, script: string, cache: boolean, d?: BenchDatabase) => {
    const ours = name.startsWith('service');
    const s = await stack.startService({
      ...{ name, main: script, tmp: o.tmp, databaseUrl: d?.url ?? null },
      ...{ upstream: fake.baseUrl, cache, nodeArgs: o.nodeArgs },
      // Settings only this checkout knows (an older one's config would refuse them).
      ...(ours ? { database: o.database ?? {} } : {}),
      ...(sink && ours ? { tracesEndpoint: sink.tracesEndpoint } : {}),
      ...(o.key && ours ? { authToken: BENCH_TOKEN } : {}),
    });
    o.children.push(s);
    const key = o.key && ours ? await stack.issueKey(s.url, BENCH_TOKEN) : undefined;
    return { ...s, key };
  };
  const version = async (
    label: 'ours' | 'before',
    script: string,
    d: BenchDatabase | undefined,
  ): Promise<Version> => {
    const name = label === 'ours' ? 'service' : 'before';
    const [plain, cached] = await Promise.all([
      service(name, script, false, d),
      service(`${name}-cached`, script, true, d),
    ]);
    const logs = d ? { countCalls: d.countCalls, watchPgCpu: d.watchCpu } : {};
    return {
      unique: [
        {
          through: label,
          target: stack.serviceTarget(plain.url, false, plain.key),
          pid: plain.pid,
          metricsUrl: `${plain.url}/metrics`,
          ...logs,
        },
        {
          through: `${label} /v1`,
          target: stack.serviceV1Target(plain.url, plain.key),
          pid: plain.pid,
          metricsUrl: `${plain.url}/metrics`,
          ...logs,
        },
      ],
      cached: {
        through: `${label}, cache hits`,
        target: stack.serviceTarget(cached.url, true, cached.key),
        pid: cached.pid,
        metricsUrl: `${cached.url}/metrics`,
        ...logs,
      },
    };
  };
  const [ours, before] = await Promise.all([
    version('ours', main, db),
    beforeMain ? version('before', beforeMain, beforeDb) : undefined,
  ]);
  let why = await peerReady;
  const peer =
    why === null
      ? await startPeer(o.root, o.tmp).catch((e: unknown) => {
          why = `${PEER} did not start: ${String(e)}`;
          return undefined;
        })
      : undefined;
  if (peer) o.children.push(peer);
  const subjects: Subject[] = [
    { through: 'direct', target: stack.directTarget(fake.baseUrl), pid: fake.pid },
    { through: 'bare proxy', target: stack.bareTarget(bare.url), pid: bare.pid },
    ...(o.beforeFirst
      ? [...(before?.unique ?? []), ...ours.unique]
      : [...ours.unique, ...(before?.unique ?? [])]),
  ];
  if (peer) {
    subjects.push({
      through: 'peer',
      target: stack.peerTarget(peer.port, fake.baseUrl),
      pid: peer.pid,
    });
  }
  const async = o.asyncCommit ? ', synchronous_commit = off' : '';
  return {
    subjects,
    cached:
      o.beforeFirst && before
        ? [before.cached, ours.cached]
        : [ours.cached, ...(before ? [before.cached] : [])],
    database: db
      ? db.source + async + (beforeDb ? `; before: ${beforeDb.source}${async}` : '')
      : 'none: --memory (the call log in process; nothing is written to PostgreSQL)',
    peer: peer ? `${PEER}, --headless, OpenAI provider with custom host` : `not measured — ${why}`,
    ...(o.beforeSource ? { before: o.beforeSource } : {}),
    ...(sink
      ? {
          traces: async () =>
            (await (await fetch(sink.countUrl)).json()) as {
              requests: number;
              bytes: number;
              spans: number;
            },
        }
      : {}),
  };
};
