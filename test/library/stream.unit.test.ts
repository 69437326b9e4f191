import { createInferenceService, type InferenceEvent, type StreamChunk } from '../../src';
import { answerTo, InMemoryGateway } from '../../src/adapters/in-memory';

/** `svc.stream` over the in-memory adapters. */
describe('svc.stream (library API)', () => {
  const build = (gateway = new InMemoryGateway()) =>
    createInferenceService({
      config: { openrouter: { api_key: 'sk-or-test-secret' } },
      env: {},
      memory: true,
      gateway,
      background: false,
    });
  const req = {
    level: 'objective',
    purpose: 'brain reboot',
    input: 'what happened so far',
  } as const;

  it('for await gives the text as it comes; result is the final Result, recorded', async () => {
    const svc = await build();
    const seen: InferenceEvent[] = [];
    svc.events.on('InferenceSucceeded', (e) => seen.push(e));
    const s = svc.stream(req);
    let text = '';
    const types: string[] = [];
    for await (const chunk of s) {
      types.push(chunk.type);
      text += chunk.text ?? '';
    }
    const final = (await s.result)._unsafeUnwrap();
    expect(types[0]).toBe('start');
    expect(text).toBe(
      answerTo({ model: final.model, messages: [{ role: 'user', content: req.input }] }).text,
    );
    expect(final.text).toBe(text);
    expect(seen.map((e) => e.data.callId)).toEqual([final.callId]);
    const page = (await svc.calls({ limit: 10 }))._unsafeUnwrap();
    expect(page.calls[0]).toMatchObject({ id: final.callId, streamed: true });
    await svc.close();
  });

  it('cancel() ends the stream and the call is recorded once', async () => {
    const gateway = new InMemoryGateway().hold();
    const svc = await build(gateway);
    const s = svc.stream(req);
    const chunks: StreamChunk[] = [];
    for await (const c of s) {
      chunks.push(c);
      if (c.type === 'delta') s.cancel();
    }
    expect((await s.result)._unsafeUnwrapErr().code).toBe('unavailable');
    expect(chunks.map((c) => c.type)).toEqual(['start', 'delta']);
    expect((await svc.calls({ limit: 10 }))._unsafeUnwrap().calls).toHaveLength(1);
    await svc.close();
  });

  it('an invalid request: no chunks, an invalid_request result', async () => {
    const svc = await build();
    const s = svc.stream({ ...req, purpose: '' });
    const chunks: StreamChunk[] = [];
    for await (const c of s) chunks.push(c);
    expect(chunks).toEqual([]);
    expect((await s.result)._unsafeUnwrapErr().code).toBe('invalid_request');
    await svc.close();
  });
});
