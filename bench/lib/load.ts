import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';

/** What the load is sent to. */
export interface Target {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The body of the n-th request (unique when `n` appears in it). */
  readonly body: (n: number) => string;
}

/** How hard and how long. */
export interface Load {
  readonly connections: number;
  /** Requests per second; absent: as fast as the connections go. */
  readonly rate?: number;
  /**
   * How a rate is kept: `open` (default), one request every 1/rate s over as many connections as
   * needed (paced.ts); `bursts`, autocannon's overallRate, each connection sending its share of a
   * second back to back (how the rates were paced before round 2's second stop).
   */
  readonly pacing?: 'open' | 'bursts';
  readonly seconds: number;
}

/** Latency percentiles in milliseconds (sub-millisecond resolution). */
export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** One measurement. */
export interface Measured {
  /** 2xx responses. */
  readonly ok: number;
  /** Non-2xx responses plus connection errors and timeouts. */
  readonly errors: number;
  /** Requests built and written, including those in flight when the run stopped. */
  readonly sent: number;
  readonly seconds: number;
  /** 2xx responses per second. */
  readonly rps: number;
  /** Of the 2xx responses. */
  readonly latency: Percentiles;
}

interface AutocannonResult {
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Tracker = EventEmitter & PromiseLike<AutocannonResult>;
type Autocannon = (opts: object) => Tracker;
const autocannon = createRequire(__filename)('autocannon') as Autocannon;

/** Nearest-rank percentiles of `values` (sorted in place). */
export const percentiles = (values: Float64Array): Percentiles => {
  values.sort();
  const at = (p: number) => values[Math.max(0, Math.ceil(p * values.length) - 1)] ?? Number.NaN;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
};

let sequence = 0;

/**
 * Drives `target` with autocannon and records every 2xx latency itself: autocannon's own
 * histogram keeps whole milliseconds, too coarse for an overhead below one. Each request gets a
 * fresh `n`, so bodies can be unique (autocannon `setupRequest`).
 */
export const measure = async (target: Target, load: Load): Promise<Measured> => {
  let latencies = new Float64Array(Math.max(1024, (load.rate ?? 5000) * load.seconds * 2));
  let n = 0;
  let sent = 0;
  const tracker = autocannon({
    url: target.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    connections: load.connections,
    duration: load.seconds,
    // Our percentiles come from the raw samples; autocannon's correction would add fake ones.
    ...(load.rate === undefined ? {} : { overallRate: load.rate, ignoreCoordinatedOmission: true }),
    timeout: 10,
    requests: [
      {
        method: 'POST',
        setupRequest: (req: object) => {
          sent++;
          return { ...req, body: target.body(sequence++) };
        },
      },
    ],
  });
  tracker.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status < 200 || status > 299) return;
    if (n === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[n++] = ms;
  });
  const r = await tracker;
  return {
    ok: n,
    errors: r.non2xx + r.errors,
    sent,
    seconds: r.duration,
    rps: n / r.duration,
    latency: percentiles(latencies.subarray(0, n)),
  };
};
