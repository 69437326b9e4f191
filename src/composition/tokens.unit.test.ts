import { Container } from 'inversify';
import { InMemoryGateway } from '../adapters/in-memory';
import { loadConfig } from './config';
import { buildContainer } from './container';
import { createLogger } from './logger';
import { bind, get, getAsync, token, TOKENS } from './tokens';

describe('typed container tokens', () => {
  it('resolves a value as the type its token carries', () => {
    const c = new Container();
    const answer = token<number>('Answer');
    bind(c, answer).toConstantValue(42);
    const n: number = get(c, answer);
    expect(n).toBe(42);
    // A factory of the wrong type does not compile: the wiring is checked, not asserted.
    // @ts-expect-error a string is not a number
    bind(c, token<number>('Other')).toConstantValue('forty-two');
  });

  it('wires every token of the service to a value', async () => {
    const config = loadConfig({ values: {}, env: {} })._unsafeUnwrap();
    const options = { memory: true, gateway: new InMemoryGateway(), background: false };
    const c = buildContainer(config, options, createLogger('silent'));
    for (const t of Object.values(TOKENS)) await expect(c.getAsync(t)).resolves.toBeDefined();
    expect(typeof (await getAsync(c, TOKENS.GetStatus))().enabled).toBe('boolean');
    await get(c, TOKENS.Lifecycle).close();
  });
});
