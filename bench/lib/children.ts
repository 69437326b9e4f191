import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/** A child process the benchmark started, with its output going to a file. */
export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** The match of the `ready` pattern in its output. */
  readonly ready: RegExpExecArray;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** How to start a child. */
export interface ChildSpec {
  readonly name: string;
  readonly args: readonly string[];
  readonly logFile: string;
  /** Printed once it is ready to serve. */
  readonly ready: RegExp;
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

const exited = (p: ChildProcess): Promise<void> =>
  p.exitCode !== null || p.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => p.once('exit', () => resolve()));

/**
 * Starts `node <args>` with stdout and stderr appended to a file, so the benchmark never reads
 * the service's log lines on its own event loop; polls the file for the `ready` pattern.
 */
export const startChild = async (spec: ChildSpec): Promise<Child> => {
  const fd = openSync(spec.logFile, 'a');
  const p = spawn(process.execPath, [...spec.args], {
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ...spec.env },
  });
  closeSync(fd);
  const stop = async (graceMs = 15_000): Promise<void> => {
    if (p.exitCode !== null || p.signalCode !== null) return;
    p.kill('SIGTERM');
    const timer = setTimeout(() => p.kill('SIGKILL'), graceMs);
    await exited(p);
    clearTimeout(timer);
  };
  const deadline = Date.now() + (spec.timeoutMs ?? 60_000);
  for (;;) {
    const text = readFileSync(spec.logFile, 'utf8');
    const m = spec.ready.exec(text);
    if (m && p.pid !== undefined) {
      return { name: spec.name, pid: p.pid, logFile: spec.logFile, ready: m, stop };
    }
    if (p.exitCode !== null || p.signalCode !== null || Date.now() > deadline) {
      await stop(1000);
      const tail = text.split('\n').slice(-15).join('\n');
      throw new Error(`${spec.name} did not start (see ${spec.logFile}):\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
};
