// Time series kept in the page (the server keeps none at this resolution), drawn with uPlot.

/** about 5 minutes at one poll every 2 s */
const MAX_POINTS = 150;
const MAX_LINES = 8;
const COLORS = [
  '#2563eb',
  '#16a34a',
  '#d97706',
  '#9333ea',
  '#dc2626',
  '#0891b2',
  '#db2777',
  '#65a30d',
];

/**
 * One chart: a time axis and named lines. A line that appears later is padded with gaps; the
 * plot is rebuilt when the set of lines changes (uPlot's series are fixed at construction).
 * `data-points` on the container counts the points of the first line that hold a value, so that
 * a test (or a curious operator) can read what the canvas shows.
 */
export class TimeChart {
  constructor(container, { format, range } = {}) {
    this.container = container;
    this.format = format ?? ((v) => String(v));
    this.range = range;
    this.times = [];
    this.lines = new Map();
    this.plot = undefined;
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(container);
  }

  /** Adds one sample: `values` maps a line's name to a number, or null for a gap. */
  add(time, values) {
    this.times.push(time);
    for (const [name, value] of Object.entries(values)) {
      if (!this.lines.has(name)) {
        // a line starts with its first value: names with nothing to show stay out of the legend
        if (value === null || this.lines.size >= MAX_LINES) continue;
        this.lines.set(name, new Array(this.times.length - 1).fill(null));
      }
      this.lines.get(name).push(value);
    }
    for (const line of this.lines.values()) if (line.length < this.times.length) line.push(null);
    if (this.times.length > MAX_POINTS) {
      this.times.shift();
      for (const line of this.lines.values()) line.shift();
    }
    this.draw();
  }

  draw() {
    const names = [...this.lines.keys()];
    const data = [this.times, ...names.map((n) => this.lines.get(n))];
    if (!this.plot || this.plot.series.length !== names.length + 1) this.build(names, data);
    else this.plot.setData(data);
    const first = data[1] ?? [];
    this.container.dataset.points = String(first.filter((v) => v !== null).length);
  }

  build(names, data) {
    this.plot?.destroy();
    const format = this.format;
    this.plot = new window.uPlot(
      {
        ...this.size(),
        scales: { x: { time: true }, y: this.range ? { range: this.range } : { auto: true } },
        axes: [{}, { values: (_u, ticks) => ticks.map(format), size: 60 }],
        series: [
          {},
          ...names.map((label, i) => ({
            label,
            stroke: COLORS[i % COLORS.length],
            width: i === 0 ? 2.5 : 1.5,
            spanGaps: true,
            value: (_u, v) => (v === null || v === undefined ? '–' : format(v)),
          })),
        ],
        cursor: { drag: { x: false, y: false } },
      },
      data,
      this.container,
    );
  }

  size() {
    return { width: Math.max(240, this.container.clientWidth), height: 220 };
  }
}
