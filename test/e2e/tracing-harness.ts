import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_API_KEY, type FakeOpenRouter } from '../support/fake-openrouter';
import type { TestDatabase } from '../support/test-database';
import { listeningUrl, spawnServer, type ServerProcess } from './process-harness';

// The OTLP exporter loads node:http with a dynamic import(), which Jest's module sandbox
// refuses: the tracing tests run the service as a real process, as in production.

/** `bytes` random bytes in hex: trace and span ids. */
export const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** A service process calling `fake`, with `env` (OTEL_*); in memory unless given a database. */
export class Service {
  private constructor(
    readonly proc: ServerProcess,
    readonly url: string,
  ) {}

  static async start(
    fake: FakeOpenRouter,
    env: Record<string, string>,
    db?: TestDatabase,
  ): Promise<Service> {
    const dir = mkdtempSync(join(tmpdir(), 'hs-tracing-'));
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      [
        'server: { host: 127.0.0.1, port: 0 }',
        `data_dir: "${dir}"`,
        'openrouter:',
        '  health_check_interval_ms: 0',
        '  retry: { max_attempts: 2, base_delay_ms: 1, max_delay_ms: 5 }',
        '',
      ].join('\n'),
    );
    const proc = spawnServer([...(db ? [] : ['--memory']), '--config', config], {
      OPENROUTER_BASE_URL: fake.baseUrl,
      OPENROUTER_API_KEY: FAKE_API_KEY,
      ...(db ? { DATABASE_URL: db.url } : {}),
      ...env,
    });
    return new Service(proc, await listeningUrl(proc));
  }

  fetch(path: string): Promise<Response> {
    return fetch(`${this.url}${path}`);
  }

  infer(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.url}/api/inference`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  }

  async stop(): Promise<void> {
    if (this.proc.child.exitCode === null) this.proc.child.kill('SIGTERM');
    await this.proc.exited;
  }
}

/** The fields of a call record these tests read. */
export interface CallView {
  id: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  traceId: string | null;
  attempts: number;
  upstreamId: string | null;
}

/** The record of `callId`, from the calls API. */
export const recordOf = async (server: Service, callId: string): Promise<CallView> => {
  const page = (await (await server.fetch('/api/inference/calls?limit=5')).json()) as {
    calls: CallView[];
  };
  const r = page.calls.find((c) => c.id === callId);
  if (!r) throw new Error(`no record of ${callId}`);
  return r;
};

/** A loopback port nothing listens on. */
export const closedPort = async (): Promise<number> => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
};
