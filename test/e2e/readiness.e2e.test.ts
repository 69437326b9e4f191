import { Client } from 'pg';
import { problemSchema } from '../../src/adapters/http/schemas';
import { startTestServer } from './harness';

jest.setTimeout(60_000);

describe('GET /readyz follows the database', () => {
  it('200 while the database answers, 503 unavailable once it is gone; /healthz stays 200', async () => {
    const server = await startTestServer({});
    try {
      expect((await server.fetch('/readyz')).status).toBe(200);
      const url = new URL(server.service.config.database.url);
      const name = url.pathname.slice(1);
      url.pathname = '/postgres';
      const admin = new Client({ connectionString: url.toString() });
      await admin.connect();
      await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
      await admin.end();

      const res = await server.fetch('/readyz');
      expect(res.status).toBe(503);
      const p = problemSchema.parse(await res.json());
      expect(p).toMatchObject({ code: 'unavailable' });
      expect(p.detail).toMatch(/^database: /);
      expect((await server.fetch('/healthz')).status).toBe(200);
    } finally {
      await server.shutdown();
    }
  });
});
