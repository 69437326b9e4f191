/** What a progress line shows. */
export interface ProgressState {
  readonly done: number;
  readonly total: number;
  readonly elapsedMs: number;
}

const n = (x: number): string => Math.round(x).toLocaleString('en-US');

const duration = (ms: number): string => {
  const s = Math.ceil(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
};

/** One progress line: bar, percentage, counts, rate and time left. */
export const formatProgress = ({ done, total, elapsedMs }: ProgressState, width = 30): string => {
  const ratio = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(ratio * width);
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const eta = rate > 0 ? duration(((total - done) / rate) * 1000) : '?';
  return (
    `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}%` +
    `  ${n(done)}/${n(total)} events  ${n(rate)} events/s  ETA ${done >= total ? '0s' : eta}`
  );
};

/**
 * A progress bar on a stream: redrawn in place on a terminal, a line at most every two
 * seconds otherwise (logs, CI).
 */
export const progressBar = (
  out: NodeJS.WriteStream,
  now: () => number = () => performance.now(),
) => {
  const start = now();
  let lastLine = -Infinity;
  return {
    update: (p: { done: number; total: number }): void => {
      const t = now();
      const line = formatProgress({ ...p, elapsedMs: t - start });
      if (out.isTTY) out.write(`\r${line}`);
      else if (t - lastLine >= 2000 || p.done >= p.total) {
        out.write(`${line}\n`);
        lastLine = t;
      }
    },
    /** Ends the line and says how long it took. */
    finish: (events: number): void => {
      const secs = ((now() - start) / 1000).toFixed(1);
      out.write(`${out.isTTY ? '\n' : ''}replayed ${n(events)} events in ${secs}s\n`);
    },
  };
};
