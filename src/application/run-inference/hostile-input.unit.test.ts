import { runInferenceOver } from '../../../test/support/run-inference-setup';
import { InMemoryEventStore } from '../../adapters/in-memory';
import { illFormedPath } from '../../domain';
import type { CallLog } from '../../ports';

const MODELS = { turn: 'm/a', task: 'm/a', project: 'm/a', objective: 'm/a' } as const;

/** The use case over in-memory fakes; `log` replaces the store as the call log when given. */
const setup = (log?: CallLog) => {
  const t = runInferenceOver(
    { models: MODELS },
    { 'm/a': { input: 1, output: 5 } },
    { callLog: log, limits: { callsPerMinute: 100, tokensPerMinute: 1_000_000 } },
  );
  return { run: t.run, gateway: t.gateway, events: t.log };
};

const REQ = { level: 'turn', purpose: 'hostile', input: 'hello' };

describe('runInference with hostile input', () => {
  it.each([
    ['purpose', { purpose: 'p\ud800' }],
    ['input', { input: '\udc00 tail' }],
    ['system', { system: 'sys\ud83d' }],
    ['projectId', { projectId: 'proj\udfff' }],
  ])(
    'a lone surrogate in %s is invalid_request naming it, before anything is spent',
    async (field, over) => {
      const { run, gateway, events } = setup();
      const r = await run({ ...REQ, ...over });
      expect(r._unsafeUnwrapErr()).toMatchObject({ code: 'invalid_request', field });
      expect(r._unsafeUnwrapErr().detail).toMatch(new RegExp(`^${field}: `));
      expect(gateway.received).toHaveLength(0);
      expect(await events()).toHaveLength(0);
    },
  );

  it('a control character in an id is invalid_request naming it', async () => {
    const { run, gateway } = setup();
    const r = await run({ ...REQ, agentId: 'a\u0007b' });
    expect(r._unsafeUnwrapErr()).toMatchObject({ code: 'invalid_request', field: 'agentId' });
    expect(gateway.received).toHaveLength(0);
  });

  it('upstream text with lone surrogates is repaired before it is recorded and answered', async () => {
    const { run, gateway, events } = setup();
    gateway.enqueue({ text: 'half \ud800 pair', upstreamId: 'gen\udc00' });
    const r = await run(REQ);
    expect(r._unsafeUnwrap().text).toBe('half \ufffd pair');
    const e = (await events()).at(-1);
    expect(illFormedPath(e)).toBeUndefined();
  });

  it('an upstream error message with a lone surrogate is recorded repaired', async () => {
    const { run, gateway, events } = setup();
    gateway.enqueue({ code: 'upstream_error', detail: 'bad \ud800', attempts: 1 });
    await run(REQ);
    const e = (await events()).at(-1);
    expect(e?.type).toBe('InferenceFailed');
    expect(illFormedPath(e)).toBeUndefined();
  });

  it('a call log that refuses answers unavailable with a sentence, never the driver message', async () => {
    const sql = 'insert into "inference_events" ("data") values ($1) - invalid input syntax';
    const store = new InMemoryEventStore();
    const refusing: CallLog = {
      append: () => Promise.reject(Object.assign(new Error(sql), { code: '22P02' })),
      read: (after, limit) => store.read(after, limit),
      health: () => store.health(),
      close: () => store.close(),
    };
    const { run } = setup(refusing);
    const e = (await run(REQ))._unsafeUnwrapErr();
    expect(e.code).toBe('unavailable');
    expect(e.detail).not.toMatch(/insert|inference_events|22P02|invalid input/i);
    expect(e.detail).toMatch(/could not be recorded/);
  });
});
