/** A column of a text table: its heading and how to show a row's value. */
export interface Column<Row> {
  readonly heading: string;
  readonly value: (row: Row) => string | number;
  /** Right-align (numbers). */
  readonly right?: boolean;
}

/** Renders rows as a boxed text table for the terminal. */
export const table = <Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string => {
  const cells = rows.map((r) => columns.map((c) => String(c.value(r))));
  const widths = columns.map((c, i) =>
    Math.max(c.heading.length, ...cells.map((row) => row[i]!.length)),
  );
  const line = (values: readonly string[]): string =>
    `│ ${values
      .map((v, i) => (columns[i]!.right ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join(' │ ')} │`;
  const rule = (l: string, m: string, r: string): string =>
    `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;
  return [
    rule('┌', '┬', '┐'),
    line(columns.map((c) => c.heading)),
    rule('├', '┼', '┤'),
    ...cells.map(line),
    rule('└', '┴', '┘'),
  ].join('\n');
};

/** USD with enough places for per-call costs. */
export const usd = (n: number | null): string => (n === null ? '—' : `$${n.toFixed(6)}`);
