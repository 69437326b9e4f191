import { StreamCutter } from './stream-cut';

const pair = () => ({ client: new AbortController(), stop: new AbortController() });

describe('StreamCutter', () => {
  it('the caller first: cut by the client, whatever the shutdown does after', () => {
    const { client, stop } = pair();
    const c = new StreamCutter(client.signal, stop.signal);
    expect(c.signal.aborted).toBe(false);
    client.abort();
    stop.abort(new Error('still upstream after shutdown_timeout_ms (10 ms)'));
    expect(c.signal.aborted).toBe(true);
    expect(c.outcome(1)).toMatchObject({ by: 'client', error: { code: 'unavailable' } });
  });

  it('the shutdown first: cut by the shutdown, its reason in the error', () => {
    const { client, stop } = pair();
    const c = new StreamCutter(client.signal, stop.signal);
    stop.abort(new Error('still upstream after shutdown_timeout_ms (10 ms)'));
    client.abort();
    const { by, error } = c.outcome(2);
    expect(by).toBe('shutdown');
    expect(error).toMatchObject({ code: 'unavailable', attempts: 2 });
    expect(error.detail).toBe(
      'the service is shutting down: still upstream after shutdown_timeout_ms (10 ms)',
    );
  });

  it('a signal already aborted cuts at once', () => {
    const { client, stop } = pair();
    stop.abort();
    const c = new StreamCutter(client.signal, stop.signal);
    expect(c.signal.aborted).toBe(true);
    expect(c.outcome(0).by).toBe('shutdown');
  });

  it('after release, neither signal cuts the stream', () => {
    const { client, stop } = pair();
    const c = new StreamCutter(client.signal, stop.signal);
    c.release();
    client.abort();
    stop.abort();
    expect(c.signal.aborted).toBe(false);
  });
});
