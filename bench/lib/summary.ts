import { goalTable, verdicts } from './goals';
import { machine } from './proc';
import { rateTable, ratioTable, saturationTable, stageSection, table, type Row } from './report';

/** What the report says about the run besides its rows. */
export interface RunFacts {
  readonly mode: string;
  readonly loadAtStart: string;
  readonly loadAtEnd: string;
  readonly seconds: number;
  readonly database: string;
  /** What answered as the peer, or why nothing did. */
  readonly peer: string;
  /** The checkout measured as `before` (--before-src), if any. */
  readonly before?: string;
  readonly notes: readonly string[];
}

/** The 1-minute load average seen at the end of each phase's runs, as ranges. */
const loadLine = (rows: readonly Row[]): string => {
  const range = (kind: Row['kind']) => {
    const l = rows.filter((r) => r.kind === kind).map((r) => r.usage.load1);
    return l.length === 0 ? '–' : `${Math.min(...l).toFixed(2)}–${Math.max(...l).toFixed(2)}`;
  };
  return (
    `1-minute load average after each run: one at a time ${range('serial')}, paced ` +
    `${range('rate')}, saturation ${range('saturation')} (the measured processes included).`
  );
};

/** The whole run as markdown: setting, one table per scenario, the ratio, the targets. */
export const summary = (rows: readonly Row[], f: RunFacts): string => {
  const m = machine();
  const measuredPeer = rows.some((r) => r.through === 'peer');
  return [
    `## Run: ${f.mode}, ${m.cores} × ${m.cpu}, Node ${m.node}`,
    '',
    `Load average ${f.loadAtStart} at start, ${f.loadAtEnd} at end; ${Math.round(f.seconds)} s ` +
      `in all. Database: ${f.database}. Peer: ${f.peer}.` +
      (f.before ? ` Before: ${f.before} (its own build, database and processes).` : ''),
    loadLine(rows),
    ...f.notes.map((n) => `${n}`),
    '',
    '### One request at a time, then paced (overhead = latency through − latency direct, same percentile, same load)',
    '',
    rateTable(rows),
    '',
    '### Saturation',
    '',
    saturationTable(rows),
    '',
    ...(measuredPeer ? ["### The service's overhead ÷ the peer's", '', ratioTable(rows), ''] : []),
    ...stageSection(rows),
    '### Goal table (issue 22)',
    '',
    goalTable(rows),
    '',
    '### Targets',
    '',
    table(
      ['target', 'measured', 'met'],
      verdicts(rows).map((v) => [
        v.goal,
        v.measured,
        v.met === null ? '–' : v.met ? 'yes' : '**no**',
      ]),
    ),
    '',
  ].join('\n');
};
