// Number and time formatting shared by the cards, the charts and the table.
const nf = new Intl.NumberFormat('en-US');

/** A count with thousands separators (axis ticks between whole numbers keep a decimal). */
export const int = (n) => (Number.isInteger(n) ? nf.format(n) : n.toFixed(1));

/** US dollars: cents above a dollar, more digits below. */
export const usd = (n) =>
  n >= 1 ? `$${n.toFixed(2)}` : n === 0 ? '$0' : `$${n.toPrecision(3).replace(/0+$/, '')}`;

/** A ratio as a percentage, or a dash when undefined. */
export const pct = (r) => (r == null || Number.isNaN(r) ? '–' : `${(r * 100).toFixed(1)} %`);

/** Milliseconds, or a dash. */
export const msec = (n) => (n == null ? '–' : `${int(n)} ms`);

/** A local date and time, short. */
export const when = (iso) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });

/** A Date as the value of an <input type="datetime-local">, in local time. */
export const localInput = (d) =>
  new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
