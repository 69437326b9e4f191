import { problemSchema } from '../../src/adapters/http/schemas';
import { useSeededServer } from './harness';

describe('probes, OpenAPI, metrics and routing problems over HTTP', () => {
  const seeded = useSeededServer();
  const { json } = seeded;

  it('GET /healthz and /readyz: 200', async () => {
    expect(await json('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await json('/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  it('GET /api/openapi.json: OpenAPI 3.1 naming every route', async () => {
    const { body } = await json('/api/openapi.json');
    const doc = body as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/inference',
        '/api/inference/status',
        '/api/inference/usage',
        '/api/inference/calls',
        '/api/inference/usage/series',
        '/api/keys',
        '/api/keys/{id}',
        '/api/keys/{id}/rotate',
        '/api/openapi.json',
        '/dashboard',
        '/dashboard/{file}',
        '/v1/chat/completions',
        '/v1/models',
        '/healthz',
        '/readyz',
        '/metrics',
      ].sort(),
    );
  });

  it('GET /metrics: Prometheus text with request, call, token and cost series', async () => {
    const res = await seeded.server.fetch('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const series of [
      'http_requests_total{method="POST",route="/api/inference",status="200"} 6',
      'inference_calls_total{level="turn",model="anthropic/claude-haiku-4.5",outcome="cached"} 1',
      'inference_cache_hits_total 1',
      'inference_circuit_state{state="closed"} 1',
      'inference_log_backlog 0',
    ]) {
      expect(text.split('\n')).toContain(series);
    }
    expect(text).toMatch(/^inference_cost_usd_total\{level="project",.*\} [0-9.e-]+$/m);
    expect(text).toMatch(/^inference_latency_seconds_bucket/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total/m);
  });

  it('404 and 405 are problems too', async () => {
    const missing = await json('/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(problemSchema.parse(missing.body).code).toBe('not_found');
    const wrong = await seeded.server.fetch('/api/inference', { method: 'GET' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toContain('POST');
    expect(problemSchema.parse(await wrong.json()).code).toBe('method_not_allowed');
  });
});
