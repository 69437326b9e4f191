import type { CallLogEvent } from '../../../domain';
import type { Backlog } from './backlog';
import { describeError, isTransient } from './transient';

/** Writes one batch durably (one transaction), idempotent by event id. */
export type BatchWriter = (events: readonly CallLogEvent[]) => Promise<void>;

/** Where the writer says what failed (a pino logger fits). */
export interface LogSink {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** How one drain step went: progress, or the transient failure that stopped it. */
export type DrainStep = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

/**
 * Writes the oldest `size` backlogged events and removes them once committed. An event the
 * database refuses outright (not a passing failure) would block the backlog forever, so the
 * chunk is retried one event at a time and only the refused one is dropped, loudly.
 */
export const drainStep = async (
  backlog: Backlog,
  write: BatchWriter,
  size: number,
  log: LogSink,
): Promise<DrainStep> => {
  const chunk = backlog.peek(size);
  try {
    await write(chunk);
  } catch (e) {
    if (isTransient(e)) return { ok: false, error: e };
    if (chunk.length > 1) {
      for (let i = 0; i < chunk.length; i++) {
        const step = await drainStep(backlog, write, 1, log);
        if (!step.ok) return step;
      }
      return { ok: true };
    }
    log.error(
      { err: describeError(e), eventId: chunk[0]?.eventId, type: chunk[0]?.type },
      'call log: the database refused a backlogged event; it is dropped',
    );
  }
  await backlog.remove(chunk.length);
  return { ok: true };
};
