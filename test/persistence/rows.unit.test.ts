import { projectionPayload } from '../../src/adapters/persistence/projections/rows';
import { succeeded } from '../contracts/fixtures';

describe('projectionPayload', () => {
  it('stores U+0000, which PostgreSQL cannot hold, as U+FFFD, and leaves a literal \\u0000 alone', () => {
    const e = succeeded({ text: 'a\u0000b \\u0000 c\\\u0000' });
    const [row] = JSON.parse(projectionPayload([e])) as Array<{
      result_text: string;
      data: { text: string };
    }>;
    expect(row!.result_text).toBe('a\ufffdb \\u0000 c\\\ufffd');
    expect(row!.data.text).toBe(row!.result_text);
  });

  it('keeps the first of repeated event ids in one batch', () => {
    const e = succeeded();
    const rows = JSON.parse(projectionPayload([e, succeeded(), e])) as Array<{ event_id: string }>;
    expect(rows.map((r) => r.event_id)).toEqual([e.eventId, rows[1]!.event_id]);
    expect(rows).toHaveLength(2);
  });
});
