import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import pino from 'pino';
import type { InferenceService } from '../../src';
import { createHttpApp, modelCatalog } from '../../src/adapters/http';

/**
 * The HTTP app of `svc` with `token` as its bootstrap token and the service's keys, listening on
 * a free loopback port: what the key-route and scope tests call.
 */
export const serveWithKeys = async (
  svc: InferenceService,
  token: string,
): Promise<{ http: ReturnType<typeof createHttpApp>; server: Server; base: string }> => {
  const http = createHttpApp({
    api: svc,
    settings: {
      authToken: token,
      maxBodyBytes: 65_536,
      maxInputChars: 1000,
      version: 'test',
      models: modelCatalog(svc.config.openrouter.models, {}, []),
    },
    logger: pino({ level: 'silent' }),
    keys: svc.keyring,
  });
  const server = createServer(http.app.callback()).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { http, server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};
