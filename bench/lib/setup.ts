import { join } from 'node:path';
import { BUILD_DIR, buildService } from './build';
import type { Child } from './children';
import { benchDatabase, type BenchDatabase, type Persistence } from './database';
import { ensurePeer, PEER, startPeer } from './peer';
import type { Subject } from './scenarios';
import * as stack from './stack';

/** Everything a run measures, and what to stop afterwards. */
export interface Setup {
  readonly subjects: Subject[];
  /** Measured at saturation only: the cache-hit path. */
  readonly cached: Subject;
  readonly database: string;
  readonly peer: string;
}

/** How to set up. */
export interface SetupOptions {
  readonly root: string;
  /** Where the service's src/ and migrations/ come from (default: root). */
  readonly serviceSource?: string;
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
  readonly onDatabase: (db: BenchDatabase) => void;
}

/** The transpiled service's persistence adapter (what `buildService` just wrote). */
const builtPersistence = (root: string): Persistence =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(join(root, BUILD_DIR, 'src', 'adapters', 'persistence')) as Persistence;

/**
 * Installs the peer (in the background) while it transpiles the service and opens a database;
 * then starts the fake OpenRouter, two service processes (cache off for unique inputs, cache on
 * for hits) and the peer.
 */
export const setUp = async (o: SetupOptions): Promise<Setup> => {
  const peerReady = o.peer ? ensurePeer(o.root) : Promise.resolve('skipped (--no-peer)');
  const { main, bareProxy } = buildService(o.root, o.serviceSource);
  const db = o.memory ? undefined : await benchDatabase();
  if (db) o.onDatabase(db);
  // With the migrations of the service being measured (another checkout's, with --service-src).
  await db?.migrate(builtPersistence(o.root));
  if (db && o.asyncCommit) await db.setting('synchronous_commit', 'off');
  const databaseUrl = db?.url ?? null;
  const countCalls = db?.countCalls;
  const fake = await stack.startFake(o.root, o.tmp);
  o.children.push(fake);
  const bare = await stack.startBareProxy(bareProxy, o.tmp, fake.baseUrl);
  o.children.push(bare);
  const service = async (name: string, cache: boolean) => {
    const s = await stack.startService({
      ...{ name, main, tmp: o.tmp, databaseUrl, upstream: fake.baseUrl, cache },
      nodeArgs: o.nodeArgs,
    });
    o.children.push(s);
    return s;
  };
  const [ours, oursCached] = await Promise.all([
    service('service', false),
    service('service-cached', true),
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
    {
      through: 'ours',
      target: stack.serviceTarget(ours.url),
      pid: ours.pid,
      ...(countCalls ? { countCalls } : {}),
    },
    {
      through: 'ours /v1',
      target: stack.serviceV1Target(ours.url),
      pid: ours.pid,
      ...(countCalls ? { countCalls } : {}),
    },
  ];
  if (peer) {
    subjects.push({
      through: 'peer',
      target: stack.peerTarget(peer.port, fake.baseUrl),
      pid: peer.pid,
    });
  }
  return {
    subjects,
    cached: {
      through: 'ours, cache hits',
      target: stack.serviceTarget(oursCached.url, true),
      pid: oursCached.pid,
      ...(countCalls ? { countCalls } : {}),
    },
    database: db
      ? db.source + (o.asyncCommit ? ', synchronous_commit = off' : '')
      : 'none: --memory (the call log in process; nothing is written to PostgreSQL)',
    peer: peer ? `${PEER}, --headless, OpenAI provider with custom host` : `not measured — ${why}`,
  };
};
