import { Agent, request } from 'node:http';
import type { Percentiles, Target } from './load';

/** One open-loop run: requests started on a fixed schedule, whatever the answers do. */
export interface TtftRun {
  readonly sent: number;
  readonly ok: number;
  readonly errors: number;
  /** Time to first token, of the streams that produced one. */
  readonly ttft: Percentiles;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

/**
 * Sends `rate` streamed requests a second for `seconds` (open loop: a slow answer never delays
 * the next request) and times each one from the request's start to the first body bytes that
 * `firstToken` recognises (a text delta). Keep-alive connections, as a gateway client would use.
 */
export const measureTtft = async (
  target: Target,
  rate: number,
  seconds: number,
  firstToken: (body: string) => boolean,
): Promise<TtftRun> => {
  const agent = new Agent({ keepAlive: true, maxSockets: 4096 });
  const url = new URL(target.url);
  const times: number[] = [];
  let ok = 0;
  let errors = 0;
  const one = (n: number): Promise<void> =>
    new Promise((resolve) => {
      const started = process.hrtime.bigint();
      const body = target.body(n);
      const req = request(url, {
        method: 'POST',
        agent,
        headers: {
          ...target.headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.on('response', (res) => {
        let seen = '';
        let timed = false;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (timed) return;
          seen += chunk;
          if (firstToken(seen)) {
            timed = true;
            times.push(Number(process.hrtime.bigint() - started) / 1e6);
          }
        });
        res.on('end', () => {
          if (res.statusCode === 200 && timed) ok++;
          else errors++;
          resolve();
        });
        res.on('error', () => {
          errors++;
          resolve();
        });
      });
      req.end(body);
    });
  const total = Math.round(rate * seconds);
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(one(i));
  }
  await Promise.all(pending);
  agent.destroy();
  const sorted = times.sort((a, b) => a - b);
  return {
    sent: total,
    ok,
    errors,
    ttft: {
      p50: percentile(sorted, 0.5),
      p90: percentile(sorted, 0.9),
      p99: percentile(sorted, 0.99),
      max: sorted.at(-1) ?? NaN,
    },
  };
};

/** A streamed chat completion's first text chunk (OpenAI's chunk shape, direct or via a proxy). */
export const chatFirstToken = (body: string): boolean => /"content":"[^"]/.test(body);

/** The service's first `delta` event. */
export const serviceFirstToken = (body: string): boolean => body.includes('event: delta');
