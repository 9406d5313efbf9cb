/** Small, dependency-free SVG charts for the HTML report (vector, so they stay sharp). */

const palette = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/** The colour of class `index` (ten distinct colours, then repeating). */
export function classColour(index: number): string {
  return palette[((index % palette.length) + palette.length) % palette.length]!;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function niceTicks(low: number, high: number, count: number): number[] {
  if (!(high > low)) return [low];
  const rough = (high - low) / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((f) => f * magnitude).find((s) => s >= rough) ?? rough;
  const ticks: number[] = [];
  for (let tick = Math.ceil(low / step) * step; tick <= high + step * 1e-9; tick += step) {
    ticks.push(Number(tick.toPrecision(12)));
  }
  return ticks;
}

function formatTick(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e5 || magnitude < 1e-3)) return value.toExponential(1);
  return String(Number(value.toPrecision(4)));
}

/** One line of a line chart. */
export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  readonly dashed?: boolean;
}

/** A line chart with axes, ticks and a legend. */
export function lineChartSvg(
  series: readonly Series[],
  options: { title: string; xLabel: string; yLabel: string; width?: number; height?: number },
): string {
  const width = options.width ?? 460;
  const height = options.height ?? 280;
  const margin = { left: 64, right: 16, top: 28, bottom: 44 };
  const all = series
    .flatMap((s) => s.points)
    .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = all.map(([x]) => x);
  const ys = all.map(([, y]) => y);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs, xMin + 1);
  let yMin = Math.min(...ys);
  let yMax = Math.max(...ys);
  if (yMin === yMax) {
    yMin -= 1;
    yMax += 1;
  }
  const pad = (yMax - yMin) * 0.05;
  yMin -= pad;
  yMax += pad;
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const sx = (x: number) => margin.left + ((x - xMin) / (xMax - xMin)) * plotWidth;
  const sy = (y: number) => margin.top + (1 - (y - yMin) / (yMax - yMin)) * plotHeight;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(options.title)}">`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="13" font-weight="600">${escapeHtml(options.title)}</text>`,
  );
  for (const tick of niceTicks(yMin, yMax, 5)) {
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${sy(tick).toFixed(1)}" y2="${sy(tick).toFixed(1)}" stroke="#e3e3e3"/>`,
      `<text x="${margin.left - 6}" y="${(sy(tick) + 4).toFixed(1)}" text-anchor="end" font-size="11">${formatTick(tick)}</text>`,
    );
  }
  for (const tick of niceTicks(xMin, xMax, 6)) {
    parts.push(
      `<text x="${sx(tick).toFixed(1)}" y="${height - margin.bottom + 16}" text-anchor="middle" font-size="11">${formatTick(tick)}</text>`,
    );
  }
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999"/>`,
    `<text x="${margin.left + plotWidth / 2}" y="${height - 8}" text-anchor="middle" font-size="12">${escapeHtml(options.xLabel)}</text>`,
    `<text transform="translate(14 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeHtml(options.yLabel)}</text>`,
  );
  // The legend goes in the corner the lines cross least: top right, bottom right, top left,
  // bottom left, in that order of preference.
  const legendHeight = 15 * series.length;
  const corners = [
    { left: width - margin.right - 122, top: margin.top + 14 },
    { left: width - margin.right - 122, top: margin.top + plotHeight - legendHeight + 6 },
    { left: margin.left + 4, top: margin.top + 14 },
    { left: margin.left + 4, top: margin.top + plotHeight - legendHeight + 6 },
  ];
  const crossings = corners.map(({ left, top }) => {
    let count = 0;
    for (const line of series) {
      const points = line.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
      for (let i = 0; i < points.length; i += 1) {
        const [x0, y0] = points[i]!;
        const [x1, y1] = points[Math.min(i + 1, points.length - 1)]!;
        for (let t = 0; t <= 1; t += 0.05) {
          const px = sx(x0 + t * (x1 - x0));
          const py = sy(y0 + t * (y1 - y0));
          if (px >= left && px <= left + 122 && py >= top - 12 && py <= top + legendHeight - 8) {
            count += 1;
          }
        }
      }
    }
    return count;
  });
  let best = 0;
  crossings.forEach((count, index) => {
    if (count < crossings[best]!) best = index;
  });
  const { left: legendLeft, top: legendTop } = corners[best]!;
  series.forEach((line, index) => {
    const points = line.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (points.length === 0) return;
    const colour = classColour(index);
    const path = points
      .map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
      .join(' ');
    parts.push(
      `<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"${line.dashed ? ' stroke-dasharray="5 4"' : ''}/>`,
    );
    if (points.length === 1) {
      const [x, y] = points[0]!;
      parts.push(
        `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${colour}"/>`,
      );
    }
    const legendY = legendTop + index * 15;
    parts.push(
      `<line x1="${legendLeft + 4}" x2="${legendLeft + 24}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${colour}" stroke-width="2"${line.dashed ? ' stroke-dasharray="5 4"' : ''}/>`,
      `<text x="${legendLeft + 28}" y="${legendY}" font-size="11">${escapeHtml(line.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

/** A 2-D scatter plot coloured by class, with a legend of class names. */
export function scatterSvg(
  points: ArrayLike<number>,
  labels: ArrayLike<number> | null,
  options: {
    title: string;
    classNames?: readonly string[];
    size?: number;
    xLabel?: string;
    yLabel?: string;
  },
): string {
  const size = options.size ?? 420;
  const margin = 36;
  const count = Math.floor(points.length / 2);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < count; i += 1) {
    xs.push(points[2 * i]!);
    ys.push(points[2 * i + 1]!);
  }
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const yMin = Math.min(...ys);
  const yMax = Math.max(...ys);
  const span = (low: number, high: number) => (high > low ? high - low : 1);
  const plot = size - 2 * margin;
  // The points keep 3% of the frame free on every side, so none sits on its border.
  const inset = plot * 0.03;
  const inner = plot - 2 * inset;
  const sx = (x: number) => margin + inset + ((x - xMin) / span(xMin, xMax)) * inner;
  const sy = (y: number) => margin + inset + (1 - (y - yMin) / span(yMin, yMax)) * inner;
  const legendWidth = options.classNames ? 130 : 0;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size + legendWidth} ${size}" width="${size + legendWidth}" height="${size}" role="img" aria-label="${escapeHtml(options.title)}">`,
    `<text x="${size / 2}" y="18" text-anchor="middle" font-size="13" font-weight="600">${escapeHtml(options.title)}</text>`,
    `<rect x="${margin}" y="${margin}" width="${plot}" height="${plot}" fill="none" stroke="#999"/>`,
  ];
  if (options.xLabel)
    parts.push(
      `<text x="${size / 2}" y="${size - 10}" text-anchor="middle" font-size="12">${escapeHtml(options.xLabel)}</text>`,
    );
  if (options.yLabel)
    parts.push(
      `<text transform="translate(14 ${size / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeHtml(options.yLabel)}</text>`,
    );
  for (let i = 0; i < count; i += 1) {
    const colour = labels ? classColour(labels[i]!) : '#1f77b4';
    parts.push(
      `<circle cx="${sx(xs[i]!).toFixed(1)}" cy="${sy(ys[i]!).toFixed(1)}" r="2.2" fill="${colour}" fill-opacity="0.7"/>`,
    );
  }
  options.classNames?.forEach((name, index) => {
    const y = margin + 8 + index * 17;
    parts.push(
      `<circle cx="${size + 8}" cy="${y}" r="5" fill="${classColour(index)}"/>`,
      `<text x="${size + 18}" y="${y + 4}" font-size="12">${escapeHtml(name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

/**
 * Equal-width bins over [low, high], the smallest and largest finite value (widened to cover
 * `include`, e.g. markers): `counts[i]` values fall in `[edges[i], edges[i + 1])`.
 */
export function histogramBins(
  values: ArrayLike<number>,
  bins: number,
  include: readonly number[] = [],
): { edges: number[]; counts: number[] } {
  // Loops rather than Math.min(...values): a histogram may have a million values.
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  let finite = 0;
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index]!;
    if (!Number.isFinite(value)) continue;
    finite += 1;
    if (value < low) low = value;
    if (value > high) high = value;
  }
  if (finite === 0) {
    low = 0;
    high = 1;
  } else if (high === low) {
    low -= 0.5;
    high += 0.5;
  }
  for (const value of include) {
    if (!Number.isFinite(value)) continue;
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  const width = (high - low) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, index) => low + index * width);
  const counts = new Array<number>(bins).fill(0);
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index]!;
    if (!Number.isFinite(value)) continue;
    // The top edge belongs to the last bin.
    counts[Math.min(bins - 1, Math.floor((value - low) / width))]! += 1;
  }
  return { edges, counts };
}

/** A histogram of `values` (non-finite values left out), with axes and optional markers. */
export function histogramSvg(
  values: ArrayLike<number>,
  options: {
    title: string;
    xLabel: string;
    /** What the bars count. Default `'examples'`. */
    yLabel?: string;
    bins?: number;
    width?: number;
    height?: number;
    /** Vertical lines with a label, e.g. the mean. */
    markers?: readonly { readonly value: number; readonly label: string }[];
  },
): string {
  const { edges, counts } = histogramBins(
    values,
    options.bins ?? 40,
    (options.markers ?? []).map((marker) => marker.value),
  );
  const bars = counts.map((count, index) => ({
    x0: edges[index]!,
    x1: edges[index + 1]!,
    height: count,
  }));
  return barsSvg(bars, {
    title: options.title,
    xLabel: options.xLabel,
    yLabel: options.yLabel ?? 'examples',
    width: options.width,
    height: options.height,
    markers: options.markers,
  });
}

/** A bar chart of one value per category `0 … n − 1` (e.g. per latent dimension). */
export function barChartSvg(
  values: readonly number[],
  options: { title: string; xLabel: string; yLabel: string; width?: number; height?: number },
): string {
  const bars = values.map((value, index) => ({ x0: index + 0.6, x1: index + 1.4, height: value }));
  return barsSvg(bars, { ...options, integerTicks: true });
}

function barsSvg(
  bars: readonly { x0: number; x1: number; height: number }[],
  options: {
    title: string;
    xLabel: string;
    yLabel: string;
    width?: number;
    height?: number;
    integerTicks?: boolean;
    markers?: readonly { readonly value: number; readonly label: string }[];
  },
): string {
  const width = options.width ?? 460;
  const height = options.height ?? 280;
  const margin = { left: 64, right: 16, top: 28, bottom: 44 };
  const xMin = Math.min(...bars.map((bar) => bar.x0));
  const xMax = Math.max(...bars.map((bar) => bar.x1), xMin + 1e-9);
  const yMax = Math.max(...bars.map((bar) => bar.height), 1e-12) * 1.08;
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const sx = (x: number) => margin.left + ((x - xMin) / (xMax - xMin)) * plotWidth;
  const sy = (y: number) => margin.top + (1 - y / yMax) * plotHeight;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(options.title)}">`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="13" font-weight="600">${escapeHtml(options.title)}</text>`,
  ];
  for (const tick of niceTicks(0, yMax, 5)) {
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${sy(tick).toFixed(1)}" y2="${sy(tick).toFixed(1)}" stroke="#e3e3e3"/>`,
      `<text x="${margin.left - 6}" y="${(sy(tick) + 4).toFixed(1)}" text-anchor="end" font-size="11">${formatTick(tick)}</text>`,
    );
  }
  const xTicks = options.integerTicks
    ? niceTicks(Math.ceil(xMin), Math.floor(xMax), 10).filter((tick) => Number.isInteger(tick))
    : niceTicks(xMin, xMax, 6);
  for (const tick of xTicks) {
    parts.push(
      `<text x="${sx(tick).toFixed(1)}" y="${height - margin.bottom + 16}" text-anchor="middle" font-size="11">${formatTick(tick)}</text>`,
    );
  }
  for (const bar of bars) {
    const top = sy(Math.max(0, bar.height));
    parts.push(
      `<rect x="${sx(bar.x0).toFixed(1)}" y="${top.toFixed(1)}" width="${Math.max(0.5, sx(bar.x1) - sx(bar.x0) - 0.5).toFixed(1)}" height="${(sy(0) - top).toFixed(1)}" fill="${classColour(0)}" fill-opacity="0.85"/>`,
    );
  }
  options.markers?.forEach((marker, index) => {
    const x = sx(marker.value).toFixed(1);
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${margin.top}" y2="${margin.top + plotHeight}" stroke="${classColour(3 + index)}" stroke-width="1.5" stroke-dasharray="4 3"/>`,
      `<text x="${Number(x) + 4}" y="${margin.top + 12 + index * 14}" font-size="11" fill="${classColour(3 + index)}">${escapeHtml(marker.label)}</text>`,
    );
  });
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999"/>`,
    `<text x="${margin.left + plotWidth / 2}" y="${height - 8}" text-anchor="middle" font-size="12">${escapeHtml(options.xLabel)}</text>`,
    `<text transform="translate(14 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeHtml(options.yLabel)}</text>`,
    '</svg>',
  );
  return parts.join('');
}
