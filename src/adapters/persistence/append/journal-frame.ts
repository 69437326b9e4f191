import { createHash } from 'node:crypto';
import type { CallLogEvent } from '../../../domain';

/**
 * One journal record per line: `HS1 <bytes> <checksum> <json>\n`, where `<bytes>` is the UTF-8
 * length of `<json>` in decimal and `<checksum>` the first 8 hex digits of its SHA-256. JSON never
 * holds a raw newline, so a record is a line; a torn or corrupt one fails its length or checksum
 * and costs only itself: the next line is read as the next record.
 */
const MAGIC = 'HS1';

const checksum = (json: string): string =>
  createHash('sha256').update(json, 'utf8').digest('hex').slice(0, 8);

/** The framed line of one event. */
export const frameRecord = (e: CallLogEvent): string => {
  const json = JSON.stringify(e);
  return `${MAGIC} ${Buffer.byteLength(json, 'utf8')} ${checksum(json)} ${json}\n`;
};

/** What a journal held: the events of intact records, and how many records were not intact. */
export interface JournalContents {
  readonly events: CallLogEvent[];
  readonly corrupt: number;
}

/**
 * Reads a journal: intact records in order; torn or corrupt ones are counted and skipped.
 * Lines of the earlier unframed format (plain JSON) are still read, so an upgrade keeps them.
 */
export const parseJournal = (text: string): JournalContents => {
  const events: CallLogEvent[] = [];
  let corrupt = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const e = line.startsWith(MAGIC)
      ? unframe(line)
      : line.startsWith('{')
        ? legacy(line)
        : undefined;
    if (e) events.push(e);
    else corrupt++;
  }
  return { events, corrupt };
};

const unframe = (line: string): CallLogEvent | undefined => {
  const m = /^HS1 (\d+) ([0-9a-f]{8}) /.exec(line);
  if (!m) return undefined;
  const json = line.slice(m[0].length);
  if (Buffer.byteLength(json, 'utf8') !== Number(m[1]) || checksum(json) !== m[2]) return undefined;
  return eventOf(json);
};

const legacy = (line: string): CallLogEvent | undefined => eventOf(line);

const eventOf = (json: string): CallLogEvent | undefined => {
  try {
    const e = JSON.parse(json) as Partial<CallLogEvent>;
    return typeof e.eventId === 'string' && typeof e.type === 'string' && e.data
      ? (e as CallLogEvent)
      : undefined;
  } catch {
    return undefined;
  }
};
