import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { createKnex } from '../../src/adapters/persistence';
import {
  loadOrCreatePassword,
  runningServer,
} from '../../src/adapters/persistence/embedded/cluster-files';
import type { FakeOpenRouter } from '../support/fake-openrouter';

/** The answer to one request sent by `load`. */
export interface Sent {
  readonly input: string;
  status?: number;
  callId?: string;
}

/** POSTs one inference with a unique input; never rejects (a killed server is an outcome). */
export const post = async (url: string, input: string, sent: Sent[]): Promise<void> => {
  const s: Sent = { input };
  sent.push(s);
  try {
    const res = await fetch(`${url}/api/inference`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ level: 'turn', purpose: 'spend', input, cache: false }),
    });
    s.status = res.status;
    const body = (await res.json()) as { callId?: string };
    s.callId = body.callId;
  } catch {
    // The process died with the request open: no answer.
  }
};

/** Sends `perSecond` requests a second (unique inputs) until `stop()`; resolves when all ended. */
export const load = (url: string, perSecond: number, prefix: string) => {
  const sent: Sent[] = [];
  const pending: Array<Promise<void>> = [];
  let n = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < perSecond / 100; i++) pending.push(post(url, `${prefix} ${n++}`, sent));
  }, 10);
  return {
    sent,
    stop: async () => {
      clearInterval(timer);
      await Promise.all(pending);
    },
  };
};

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The inputs of the completions the fake received (each one a charge). */
export const chargedInputs = (fake: FakeOpenRouter, prefix: string): string[] =>
  fake
    .completions()
    .map((r) => (r.body as { messages?: Array<{ content: string }> }).messages?.[0]?.content ?? '')
    .filter((c) => c.startsWith(prefix));

/** Call records by input hash: status and how many records each input has. */
export const recordsByInput = async (knex: Knex) => {
  const rows: Array<{ id: string; input_hash: string; status: string; cost_estimated: boolean }> =
    await knex('inference_calls').select('id', 'input_hash', 'status', 'cost_estimated');
  const byHash = new Map<string, typeof rows>();
  for (const r of rows) byHash.set(r.input_hash, [...(byHash.get(r.input_hash) ?? []), r]);
  return { rows, of: (input: string) => byHash.get(sha256(input)) ?? [] };
};

/** A pool on the embedded PostgreSQL a service runs under `dir` (`<data_dir>/postgres`). */
export const embeddedKnex = async (dir: string): Promise<Knex> => {
  const running = await runningServer(dir);
  if (!running) throw new Error(`no embedded PostgreSQL runs under ${dir}`);
  const password = encodeURIComponent(await loadOrCreatePassword(dir));
  return createKnex(`postgres://postgres:${password}@127.0.0.1:${running.port}/headspace`, {
    poolMax: 2,
  });
};
