import type { DestinationStream } from 'pino';

const LEVEL_NAMES: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};
/** Fields every line has, shown in its own way or not at all. */
const FRAME = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

const shown = (v: unknown): string =>
  typeof v === 'string' && /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);

/**
 * One pino JSON line as a line for people: `12:04:05.120 WARN  message  key=value …`. Applied
 * after pino has redacted, so it sees (and shows) no more than the JSON would.
 */
export const terminalLine = (json: string): string => {
  const o = JSON.parse(json) as Record<string, unknown>;
  const time = typeof o.time === 'number' ? new Date(o.time).toISOString().slice(11, 23) : '';
  const level = LEVEL_NAMES[o.level as number] ?? String(o.level);
  const fields = Object.entries(o)
    .filter(([k]) => !FRAME.has(k))
    .map(([k, v]) => `${k}=${shown(v)}`);
  return `${time} ${level} ${String(o.msg ?? '')}${fields.length > 0 ? `  ${fields.join(' ')}` : ''}\n`;
};

/**
 * Where the service's log goes: text lines when `out` is a terminal (so a person reading
 * `npm start` sees one format, the banner's), JSON lines otherwise (files, pipes, log
 * collectors). `LOG_FORMAT=json` or `LOG_FORMAT=text` chooses regardless.
 */
export const logFormatFor = (
  out: { readonly isTTY?: boolean },
  format: string | undefined,
): 'json' | 'text' =>
  format === 'json' || format === 'text' ? format : out.isTTY ? 'text' : 'json';

/** A pino destination writing `terminalLine`s to `out`. */
export const terminalDestination = (out: { write(s: string): unknown }): DestinationStream => ({
  write: (line: string) => void out.write(terminalLine(line)),
});
