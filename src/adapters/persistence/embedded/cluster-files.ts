import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where one embedded installation keeps things: PostgreSQL's cluster and our credentials. */
export const clusterPaths = (dir: string) => ({
  cluster: join(dir, 'cluster'),
  credentials: join(dir, 'credentials.json'),
});

/** True when the cluster has been initialised. */
export const isInitialised = (dir: string): boolean =>
  existsSync(join(clusterPaths(dir).cluster, 'PG_VERSION'));

/**
 * The superuser password, made at first initialisation and kept beside the cluster (mode 600):
 * a fixed password would let any local user in, as the server listens on loopback TCP.
 */
export const loadOrCreatePassword = async (dir: string): Promise<string> => {
  const { credentials, cluster } = clusterPaths(dir);
  const saved = await readFile(credentials, 'utf8').catch(() => undefined);
  if (saved !== undefined) return (JSON.parse(saved) as { password: string }).password;
  if (isInitialised(dir)) {
    throw new Error(`${credentials} is missing, so the cluster in ${cluster} cannot be opened`);
  }
  await mkdir(dir, { recursive: true });
  const password = randomBytes(18).toString('base64url');
  await writeFile(credentials, JSON.stringify({ password }), { mode: 0o600 });
  // An initdb that failed half-way leaves a directory initdb refuses to reuse.
  await rm(cluster, { recursive: true, force: true });
  return password;
};

/** The pid and port of a server already running on this cluster, from `postmaster.pid`. */
export const runningServer = async (
  dir: string,
): Promise<{ pid: number; port: number } | undefined> => {
  const text = await readFile(join(clusterPaths(dir).cluster, 'postmaster.pid'), 'utf8').catch(
    () => undefined,
  );
  const [pidLine, , , portLine] = text?.split('\n') ?? [];
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || !isAlive(pid)) {
    return undefined;
  }
  return { pid, port };
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};
