import pino from 'pino';
import { FakeOpenRouter } from '../../../test/support/fake-openrouter';
import { EVENT_TYPES, type InferenceError } from '../../domain';
import { REDACT_PATHS } from '../logger';
import { createInferenceService } from '../service';

const KEY = 'sk-or-v1-9f8e7d6c5b4a39281706f5e4d3c2b1a0';

describe('the API key never leaves in a log line, error, record, event or status', () => {
  it('across refusals, retries, resets, garbage, an open circuit and upstream echoing the key', async () => {
    const fake = await FakeOpenRouter.start({ apiKey: KEY });
    const lines: string[] = [];
    const logger = pino(
      { level: 'trace', redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
      { write: (line: string) => void lines.push(line) },
    );
    const svc = await createInferenceService({
      config: {
        openrouter: {
          base_url: fake.baseUrl,
          api_key: KEY,
          cache: { enabled: false },
          retry: { max_attempts: 2, base_delay_ms: 0, max_delay_ms: 0 },
          circuit_breaker: { consecutive_failures: 3, half_open_after_ms: 60_000 },
        },
      },
      env: {},
      memory: true,
      background: true,
      logger,
    });
    const seen: unknown[] = [];
    for (const type of EVENT_TYPES) svc.events.on(type, (e) => seen.push(e));
    const errors: InferenceError[] = [];
    const call = async (input: string) => {
      const r = await svc.infer({ level: 'task', purpose: 'secrets', input });
      if (r.isErr()) errors.push(r.error);
    };

    await call('a success');
    fake.script({ status: 401, message: `Invalid key ${KEY}` });
    await call('upstream echoes the key in a 401');
    fake.script({ errorIn200: { code: 400, message: `bad request for ${KEY}` } });
    await call('upstream echoes the key in a 200 error body');
    fake.script({ status: 503, message: `overloaded (${KEY})` }, 'reset');
    await call('a 503 then a reset');
    fake.script('malformed', 'no-choices');
    await call('garbage twice');
    fake.always({ status: 500, message: `key ${KEY} broke us` });
    // The third retryable failure in a row (4xx refusals do not count): the circuit opens.
    await call('500s');
    await call('refused by the open circuit');
    await svc.checkHealth();
    const status = await svc.status();
    const records = (await svc.calls({ limit: 100 }))._unsafeUnwrap().calls;
    await svc.close();
    await fake.close();

    // The key did go upstream, and the scenarios did fail, or this test proves nothing.
    expect(fake.received.some((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(errors.map((e) => e.code)).toEqual([
      'upstream_error',
      'upstream_error',
      'upstream_error',
      'upstream_error',
      'upstream_error',
      'unavailable',
    ]);
    expect(status.circuitBreaker).toBe('open');
    expect(lines.some((l) => l.includes('retrying'))).toBe(true);
    const everything = [
      ...lines,
      JSON.stringify(errors),
      JSON.stringify(records),
      JSON.stringify(seen),
      JSON.stringify(status),
    ].join('\n');
    expect(everything).toContain('[redacted]');
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(KEY.slice(-12));
  });
});
