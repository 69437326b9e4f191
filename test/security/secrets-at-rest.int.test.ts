import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../src/composition/server';
import { FakeOpenRouter } from '../support/fake-openrouter';
import { capturingLogger, rawExchange } from '../support/raw-http';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const TOKEN = 'at-rest-bearer-token-3e8f1a6c';
const KEY = 'sk-or-v1-at-rest-0a1b2c3d4e5f6a7b8c9d';
const auth = { authorization: `Bearer ${TOKEN}` };

/** Every 12-character run of a secret, lower-cased: any of them in any case is a leak. */
const runsOf = (secret: string): string[] =>
  Array.from({ length: secret.length - 11 }, (_, i) => secret.slice(i, i + 12).toLowerCase());

/** The secrets' runs found in `text`, if any. */
const leaks = (text: string): string[] => {
  const t = text.toLowerCase();
  return [...runsOf(KEY), ...runsOf(TOKEN)].filter((r) => t.includes(r));
};

/** Every file under `dir`, as text. */
const filesUnder = (dir: string): Array<{ path: string; text: string }> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory()
      ? filesUnder(path)
      : [{ path, text: readFileSync(path).toString('latin1') }];
  });

jest.setTimeout(180_000);

/**
 * After a run full of error paths (upstream echoing the key in answers and errors, in any case
 * and in part; malformed HTTP carrying the token; bad bodies; a database outage that sends calls
 * to the journal), neither secret, nor any 12-character run of either, is in a log line, a
 * response, any row of any table, or the journal.
 */
describe('nothing the service wrote holds the key or the token', () => {
  it('log, responses, every table and the journal, after the error paths', async () => {
    const db: TestDatabase = await createTestDatabase();
    const target = new URL(db.url);
    const proxy = new TcpProxy(target.hostname, Number(target.port));
    await proxy.start();
    const proxied = new URL(db.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const fake = await FakeOpenRouter.start({ apiKey: KEY });
    const dataDir = mkdtempSync(join(tmpdir(), 'hs-at-rest-'));
    const { logger, lines } = capturingLogger();
    const responses: string[] = [];
    let server: RunningServer | undefined;
    try {
      server = await startServer({
        config: {
          server: { host: '127.0.0.1', port: 0, auth_token: TOKEN },
          database: { url: proxied.toString() },
          data_dir: dataDir,
          openrouter: {
            base_url: fake.baseUrl,
            api_key: KEY,
            health_check_interval_ms: 0,
            cache: { enabled: false },
            retry: { max_attempts: 2, base_delay_ms: 0, max_delay_ms: 0 },
            circuit_breaker: { consecutive_failures: 50, half_open_after_ms: 60_000 },
          },
        },
        env: {},
        background: false,
        logger,
      });
      const url = server.url;
      const infer = async (input: string, headers: Record<string, string> = auth) => {
        const res = await fetch(`${url}/api/inference`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ level: 'task', purpose: 'at rest', input }),
        });
        const text = await res.text();
        responses.push(`${res.status} ${JSON.stringify([...res.headers])} ${text}`);
        return res.status;
      };

      // Upstream echoes the key: in an answer (whole, upper-cased, a 24-char prefix), in errors.
      expect(await infer(`echo ${KEY}`)).toBe(200);
      expect(await infer(`echo ${KEY.toUpperCase()}`)).toBe(200);
      expect(await infer(`echo ${KEY.slice(0, 24)}`)).toBe(200);
      fake.script({ status: 401, message: `Invalid key ${KEY.toUpperCase()}` });
      expect(await infer('401 echo')).toBe(502);
      fake.script({ errorIn200: { code: 400, message: `bad ${KEY.slice(0, 24)}` } });
      expect(await infer('error body echo')).toBe(502);
      fake.script({ status: 503, message: `overloaded (${KEY})` }, 'reset');
      expect(await infer('503 then reset')).toBe(502);
      fake.script('malformed', 'no-choices');
      expect(await infer('garbage')).toBe(502);

      // Hostile requests carrying the token where it does not belong.
      expect(await infer('wrong token', { authorization: `Bearer ${TOKEN}x` })).toBe(401);
      expect(await infer('\ud800')).toBe(400);
      for (const raw of [
        `POST /api/inference HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}GARBAGE`,
        `GET /api/inference/status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nX-A: \u0001\r\n\r\n`,
        `GET /healthz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`,
        `POST /api/inference HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      ]) {
        const r = await rawExchange(url, [raw]);
        expect(r.status).toBeGreaterThanOrEqual(400);
        responses.push(r.text);
      }

      // A database outage: these calls (one echoing the key) go to the journal.
      await proxy.stop();
      expect(await infer(`outage echo ${KEY}`)).toBe(200);
      fake.script({ status: 400, message: `bad request from ${KEY.toUpperCase()}` });
      expect(await infer('outage failure')).toBe(502);
      const journal = filesUnder(dataDir);
      expect(journal.map((f) => f.text).join('')).toContain(
        'outage failure'.length ? 'InferenceFailed' : '',
      );
      const status = await fetch(`${url}/api/inference/status`, { headers: auth });
      responses.push(await status.text());
      await proxy.start();
      expect(await server.service.close().then(() => true)).toBe(true);

      // Everything the service wrote, now that the journal has drained.
      const tables = (await db.knex.raw(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
      )) as { rows: Array<{ table_name: string }> };
      const rows: string[] = [];
      for (const { table_name: t } of tables.rows) {
        const r = (await db.knex.raw(`SELECT t::text AS row FROM "${t}" t`)) as {
          rows: Array<{ row: string }>;
        };
        rows.push(...r.rows.map((x) => `${t}: ${x.row}`));
      }
      expect(tables.rows.length).toBeGreaterThanOrEqual(4);
      const recorded = rows.filter((r) => r.startsWith('inference_calls:'));
      expect(recorded.length).toBe(9);
      expect(rows.join('\n')).toContain('[redacted]');

      // The key did go upstream, and the journal did hold events, or this proves nothing.
      expect(fake.received.some((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
      expect(journal.length).toBeGreaterThan(0);
      const sources = {
        log: lines.join(''),
        responses: responses.join('\n'),
        tables: rows.join('\n'),
        journal: journal.map((f) => f.text).join('\n'),
        journalAfter: filesUnder(dataDir)
          .map((f) => f.text)
          .join('\n'),
      };
      for (const [name, text] of Object.entries(sources)) {
        expect({ name, leaks: leaks(text) }).toEqual({ name, leaks: [] });
      }
    } finally {
      await server?.shutdown().catch(() => undefined);
      await proxy.stop();
      await fake.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
