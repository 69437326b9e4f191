import { Pool } from 'undici';
import { percentiles, type Measured, type Target } from './load';

let sequence = 1_000_000_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * An open-loop load: request i leaves at start + i / rate, whatever happened to the ones before
 * (so 500 req/s means one request every 2 ms, not bursts), over a pool that opens as many
 * keep-alive connections as the calls in flight need. Latency runs from a request's dispatch to
 * the end of its body. Dispatch waits for no response, so a slow subject cannot hold requests
 * back; only the bench's own CPU can, and it is the same for every subject. Timers fire in whole
 * milliseconds, so requests due within the next one leave together (in pairs at 1,000 req/s). autocannon's `overallRate` instead lets each connection send its share
 * of a second back to back at the top of the second: with 25 connections and a 22 ms call, "500
 * req/s" arrived as ~1,100 req/s for half of each second and nothing for the other half.
 */
export const measurePaced = async (
  target: Target,
  rate: number,
  seconds: number,
): Promise<Measured> => {
  const url = new URL(target.url);
  const pool = new Pool(url.origin, { connections: 512, pipelining: 1 });
  const headers = { 'content-type': 'application/json', ...target.headers };
  const total = Math.max(1, Math.round(rate * seconds));
  const latencies = new Float64Array(total);
  let ok = 0;
  let errors = 0;
  let sent = 0;
  const one = async (): Promise<void> => {
    const body = target.body(sequence++);
    const t0 = performance.now();
    try {
      const res = await pool.request({ path: url.pathname, method: 'POST', headers, body });
      await res.body.text();
      if (res.statusCode >= 200 && res.statusCode < 300) latencies[ok++] = performance.now() - t0;
      else errors++;
    } catch {
      errors++;
    }
  };
  const calls: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait >= 1) await sleep(wait);
    sent++;
    calls.push(one());
  }
  const elapsed = (performance.now() - start) / 1000;
  await Promise.all(calls);
  await pool.close();
  return {
    ok,
    errors,
    sent,
    seconds: elapsed,
    rps: ok / Math.max(elapsed, seconds),
    latency: percentiles(latencies.subarray(0, ok)),
  };
};
