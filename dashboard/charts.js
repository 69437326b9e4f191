// Time-series charts over uPlot (loaded by index.html as the global `uPlot`). A chart keeps its
// uPlot instance across refreshes and only swaps the data, so a refresh never flickers.
export const PALETTE = [
  '#2563eb',
  '#16a34a',
  '#dc2626',
  '#d97706',
  '#7c3aed',
  '#0891b2',
  '#db2777',
  '#65a30d',
];

/** Status colours, the same in the chart and the table. */
export const STATUS_COLORS = {
  succeeded: '#16a34a',
  failed: '#dc2626',
  cached: '#2563eb',
  rate_limited: '#d97706',
  cancelled: '#7c3aed',
  interrupted: '#db2777',
};

const HEIGHT = 200;

/** Room around the widest tick label, in CSS pixels. */
const AXIS_PADDING = 18;
const measure = document.createElement('canvas').getContext('2d');

/**
 * The y axis' width: its widest label (e.g. `$0.000125`) plus padding, so no label is clipped.
 * The chart element keeps the labels in `data-y-ticks` and the width in `data-y-axis-width`.
 */
const axisWidth = (el) => (u, values) => {
  if (!values) return 60;
  measure.font = u.axes[1].font?.[0] ?? '12px system-ui';
  const widest = Math.max(0, ...values.map((v) => measure.measureText(v).width));
  el.dataset.yTicks = values.join('|');
  el.dataset.yLabelWidth = String(Math.ceil(widest));
  return Math.ceil(widest) + AXIS_PADDING;
};

/** One chart in its container: `update` takes x (epoch seconds) and layers `{ label, color, values }`. */
export class Chart {
  /** `emptyMax` tops the y axis when every value is 0 (uPlot would run it to 100). */
  constructor(el, { stacked = false, format = (v) => String(v), emptyMax = 1 } = {}) {
    this.el = el;
    this.stacked = stacked;
    this.format = format;
    this.emptyMax = emptyMax;
    this.plot = null;
    this.labels = '';
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(el);
  }

  size() {
    return { width: Math.max(this.el.clientWidth, 240), height: HEIGHT };
  }

  update(xs, layers) {
    // Stacked: each layer drawn as the sum of itself and those below, the top one first, so
    // every band shows; the legend still reads each layer's own value.
    const raw = layers.map((l) => l.values);
    this.raw = raw;
    let shown = raw.map((vs) => vs.map((v) => (this.stacked ? (v ?? 0) : v)));
    let order = layers.map((_, i) => i);
    if (this.stacked) {
      for (let i = 1; i < shown.length; i++) shown[i] = shown[i].map((v, j) => v + shown[i - 1][j]);
      order = order.reverse();
    }
    const data = [xs, ...order.map((i) => shown[i])];
    const labels = order.map((i) => layers[i].label).join('|');
    if (this.plot && labels === this.labels) {
      this.plot.setData(data);
      return;
    }
    this.plot?.destroy();
    this.labels = labels;
    const fmt = this.format;
    this.plot = new uPlot(
      {
        ...this.size(),
        scales: {
          x: { time: true },
          // From 0, a little above the highest value; nothing at all: 0 to emptyMax.
          y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : this.emptyMax] },
        },
        series: [
          {},
          ...order.map((i) => ({
            label: layers[i].label,
            stroke: layers[i].color,
            fill: this.stacked ? `${layers[i].color}cc` : undefined,
            width: 1.5,
            spanGaps: false,
            // A lone value between gaps has no line to draw: show it as a point.
            points: { show: !this.stacked, size: 5, fill: layers[i].color },
            value: (u, v, s, idx) =>
              idx == null || this.raw[i]?.[idx] == null ? '–' : fmt(this.raw[i][idx]),
          })),
        ],
        axes: [{}, { size: axisWidth(this.el), values: (u, ticks) => ticks.map(fmt) }],
        legend: { live: true },
      },
      data,
      this.el,
    );
  }
}
