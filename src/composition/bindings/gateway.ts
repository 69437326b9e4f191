import type { Container } from 'inversify';
import { InMemoryGateway } from '../../adapters/in-memory/in-memory-gateway';
import type { LlmGateway } from '../../ports';
import type { ServiceOptions } from '../options';
import { TOKENS } from '../tokens';

/** Binds the upstream gateway: the one given in options, else the built-in echo gateway. */
export const bindGateway = (c: Container): void => {
  c.bind<LlmGateway>(TOKENS.LlmGateway)
    .toDynamicValue(
      (ctx) => ctx.get<ServiceOptions>(TOKENS.Options).gateway ?? new InMemoryGateway(),
    )
    .inSingletonScope();
};
