import { Container } from 'inversify';
import type { Config } from './config';
import { bindBudgets } from './bindings/budgets';
import { bindCore } from './bindings/core';
import { bindGateway } from './bindings/gateway';
import { bindLimits } from './bindings/limits';
import { bindPersistence } from './bindings/persistence';
import { Lifecycle } from './lifecycle';
import type { Logger } from './logger';
import type { ServiceOptions } from './options';
import { TOKENS } from './tokens';

/** The one place ports meet adapters: every binding is a factory over Symbol tokens. */
export const buildContainer = (
  config: Config,
  options: ServiceOptions,
  logger: Logger,
): Container => {
  const c = new Container();
  c.bind<Config>(TOKENS.Config).toConstantValue(config);
  c.bind<ServiceOptions>(TOKENS.Options).toConstantValue(options);
  c.bind<Logger>(TOKENS.Logger).toConstantValue(logger);
  c.bind<Lifecycle>(TOKENS.Lifecycle).toConstantValue(new Lifecycle());
  bindCore(c);
  bindGateway(c);
  bindPersistence(c);
  bindLimits(c);
  bindBudgets(c);
  return c;
};
