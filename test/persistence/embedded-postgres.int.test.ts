import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/adapters/persistence';

jest.setTimeout(120_000);

const query = async (url: string, sql: string) => {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
};

describe('embedded PostgreSQL', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'headspace-embedded-'));
    await chmod(root, 0o755); // PostgreSQL runs as its own user when we are root
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('keeps its data across restarts, on loopback only, with a password of its own', async () => {
    const dir = join(root, 'persistent');
    const first = await startEmbeddedPostgres({ dir, unsafeFast: true });
    expect(first.owned).toBe(true);
    expect(first.displayUrl).toBe(`postgres://postgres@127.0.0.1:${first.port}/headspace`);
    expect((await stat(join(dir, 'credentials.json'))).mode & 0o777).toBe(0o600);
    await query(first.url, 'CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)');
    expect(await query(first.url, 'SHOW listen_addresses')).toEqual([
      { listen_addresses: '127.0.0.1' },
    ]);

    // A second start on a running cluster reuses it and leaves it running.
    const again = await startEmbeddedPostgres({ dir });
    expect(again).toMatchObject({ owned: false, port: first.port, url: first.url });
    await again.stop();
    expect(await query(first.url, 'SELECT x FROM kept')).toEqual([{ x: 42 }]);

    await first.stop();
    await expect(query(first.url, 'SELECT 1')).rejects.toThrow();
    const second = await startEmbeddedPostgres({ dir, unsafeFast: true });
    try {
      expect(await query(second.url, 'SELECT x FROM kept')).toEqual([{ x: 42 }]);
    } finally {
      await second.stop();
    }
  });

  it('removes an ephemeral server with its directory when stopped', async () => {
    const dir = join(root, 'ephemeral');
    const pg = await startEmbeddedPostgres({ dir, ephemeral: true, unsafeFast: true });
    expect(await query(pg.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await pg.stop();
    expect(existsSync(dir)).toBe(false);
  });
});
