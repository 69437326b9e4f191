import { Container } from 'inversify';
import type { Config } from './config';
import { bindBudgets } from './bindings/budgets';
import { bindCore } from './bindings/core';
import { bindGateway } from './bindings/gateway';
import { bindKeys } from './bindings/keys';
import { bindLimits } from './bindings/limits';
import { bindPersistence } from './bindings/persistence';
import { Lifecycle } from './lifecycle';
import { tracingFrom } from './tracing';
import type { Logger } from './logger';
import type { ServiceOptions } from './options';
import { bind, TOKENS } from './tokens';

/** The one place ports meet adapters: every binding is a factory over Symbol tokens. */
export const buildContainer = (
  config: Config,
  options: ServiceOptions,
  logger: Logger,
): Container => {
  const c = new Container();
  bind(c, TOKENS.Config).toConstantValue(config);
  bind(c, TOKENS.Options).toConstantValue(options);
  bind(c, TOKENS.Logger).toConstantValue(logger);
  const lifecycle = new Lifecycle();
  bind(c, TOKENS.Lifecycle).toConstantValue(lifecycle);
  // First registered, so closed last: spans of calls ended during shutdown still leave.
  const tracing = tracingFrom(options.env ?? process.env, logger);
  lifecycle.onClose('tracing', () => tracing.shutdown());
  bind(c, TOKENS.Tracing).toConstantValue(tracing);
  bindCore(c);
  bindGateway(c);
  bindPersistence(c);
  bindLimits(c);
  bindBudgets(c);
  bindKeys(c);
  return c;
};
