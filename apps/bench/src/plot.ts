import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { ScalingPoint } from './vae-training';

/**
 * The scaling sweeps as a PNG: samples/s against hidden width (left) and batch size (right),
 * one line per contender, both axes logarithmic. Drawn by Apache ECharts (server-side SVG) and
 * rasterised by resvg with the system's fonts.
 */
export function scalingPlot(sweeps: {
  readonly hidden: readonly ScalingPoint[];
  readonly batch: readonly ScalingPoint[];
}): Uint8Array {
  const names = [
    ...new Set(
      [...sweeps.hidden, ...sweeps.batch].flatMap((point) => Object.keys(point.samplesPerSecond)),
    ),
  ];
  const colors = ['#1f6feb', '#d9480f', '#2f9e44', '#7048e8'];
  const series = (points: readonly ScalingPoint[], axis: 0 | 1) =>
    names.map((name, index) => ({
      name,
      type: 'line' as const,
      xAxisIndex: axis,
      yAxisIndex: axis,
      color: colors[index % colors.length],
      symbolSize: 7,
      data: points
        .filter((point) => point.samplesPerSecond[name] !== undefined)
        .map((point) => [
          axis === 0 ? point.hidden : point.batchSize,
          point.samplesPerSecond[name],
        ]),
    }));
  const xAxis = (gridIndex: 0 | 1, name: string, values: number[]) => ({
    type: 'log' as const,
    logBase: 2,
    gridIndex,
    name,
    nameLocation: 'middle' as const,
    nameGap: 28,
    min: Math.min(...values),
    max: Math.max(...values),
  });
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 1000, height: 440 });
  chart.setOption({
    animation: false,
    backgroundColor: '#ffffff',
    title: [
      {
        text: 'VAE training: samples/s vs hidden width (batch 128)',
        left: '25%',
        top: 8,
        textAlign: 'center',
        textStyle: { fontSize: 14 },
      },
      {
        text: 'samples/s vs batch size (hidden 400)',
        left: '76%',
        top: 8,
        textAlign: 'center',
        textStyle: { fontSize: 14 },
      },
    ],
    legend: { top: 34, data: names, itemGap: 28 },
    grid: [
      { left: 70, right: '54%', top: 80, bottom: 50 },
      { left: '57%', right: 30, top: 80, bottom: 50 },
    ],
    xAxis: [
      xAxis(
        0,
        'hidden units (784-h-20)',
        sweeps.hidden.map((point) => point.hidden),
      ),
      xAxis(
        1,
        'batch size',
        sweeps.batch.map((point) => point.batchSize),
      ),
    ],
    yAxis: [
      { type: 'log', gridIndex: 0, name: 'samples/s', nameGap: 12 },
      { type: 'log', gridIndex: 1, name: 'samples/s', nameGap: 12 },
    ],
    series: [...series(sweeps.hidden, 0), ...series(sweeps.batch, 1)],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return new Resvg(svg, {
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
}
