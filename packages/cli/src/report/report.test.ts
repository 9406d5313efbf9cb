import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import {
  barChartSvg,
  classColour,
  escapeHtml,
  histogramBins,
  histogramSvg,
  lineChartSvg,
  scatterSvg,
} from './charts';
import { imageGridPng, pngDataUrl } from './image-grid';
import { figure, renderReportHtml } from './report-html';

describe('imageGridPng', () => {
  it('lays images out in a grid with padding and scale', () => {
    // Two 2×2 images: the first all white, the second a diagonal.
    const images = Float32Array.from([1, 1, 1, 1, 1, 0, 0, 1]);
    const png = PNG.sync.read(
      imageGridPng(images, 2, { imageWidth: 2, imageHeight: 2, columns: 2, padding: 1, scale: 3 }),
    );
    expect(png.width).toBe(1 + 2 * (2 * 3 + 1));
    expect(png.height).toBe(1 + (2 * 3 + 1));
    const pixel = (x: number, y: number) => png.data[(y * png.width + x) * 4]!;
    expect(pixel(1, 1)).toBe(255); // first image, top-left
    expect(pixel(6, 6)).toBe(255); // first image, bottom-right
    expect(pixel(0, 0)).toBe(40); // padding
    const left = 1 + 7; // second image starts after one cell
    expect(pixel(left, 1)).toBe(255); // diagonal on
    expect(pixel(left + 3, 1)).toBe(0); // off-diagonal off
    expect(pixel(left + 5, 5)).toBe(255);
  });

  it('draws RGB images, channels last, in colour', () => {
    // One 2×1 image: a red pixel, then a half-bright blue one.
    const png = PNG.sync.read(
      imageGridPng([1, 0, 0, 0, 0, 0.5], 1, {
        imageWidth: 2,
        imageHeight: 1,
        columns: 1,
        padding: 0,
        scale: 1,
        channels: 3,
      }),
    );
    expect([...png.data.subarray(0, 8)]).toEqual([255, 0, 0, 255, 0, 0, 128, 255]);
    expect(() =>
      imageGridPng([1, 0, 0], 1, { imageWidth: 2, imageHeight: 1, columns: 1, channels: 3 }),
    ).toThrow(`imageGridPng: 'images' must be at least count × 6 = 6 values, got "3 values".`);
  });

  it('clips intensities outside [0, 1] and rejects too few values', () => {
    const png = PNG.sync.read(
      imageGridPng([2, -1], 1, { imageWidth: 2, imageHeight: 1, columns: 1, padding: 0, scale: 1 }),
    );
    expect([png.data[0], png.data[4]]).toEqual([255, 0]);
    expect(() => imageGridPng([0, 1], 2, { imageWidth: 2, imageHeight: 1, columns: 2 })).toThrow(
      `imageGridPng: 'images' must be at least count × 2 = 4 values, got "2 values".`,
    );
    expect(pngDataUrl(Buffer.from('x'))).toBe('data:image/png;base64,eA==');
  });
});

describe('charts and page', () => {
  it('draws one path per series and one point per scatter row', () => {
    const svg = lineChartSvg(
      [
        {
          name: 'train',
          points: [
            [1, 10],
            [2, 8],
            [3, 7],
          ],
        },
        {
          name: 'test',
          points: [
            [1, 11],
            [2, 9],
          ],
          dashed: true,
        },
      ],
      { title: 'loss <per example>', xLabel: 'epoch', yLabel: 'nats' },
    );
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('loss &lt;per example&gt;');
    expect(svg).toContain('stroke-dasharray');
    const scatter = scatterSvg([0, 0, 1, 1, 2, 0], [0, 1, 1], {
      title: 'codes',
      classNames: ['a', 'b'],
    });
    expect(scatter.match(/r="2.2"/g)).toHaveLength(3);
    expect(scatter).toContain(`fill="${classColour(1)}"`);
  });

  it('puts the legend in the corner the lines leave free', () => {
    const legendY = (svg: string) =>
      Number(/<text x="[\d.]+" y="([\d.]+)" font-size="11">up<\/text>/.exec(svg)![1]);
    const options = { title: 't', xLabel: 'x', yLabel: 'y', height: 280 };
    // Rising to the top right: the legend moves to the bottom; falling: it stays on top.
    const rising = lineChartSvg(
      [
        {
          name: 'up',
          points: [
            [0, 0],
            [1, 1],
            [2, 10],
          ],
        },
      ],
      options,
    );
    const falling = lineChartSvg(
      [
        {
          name: 'up',
          points: [
            [0, 10],
            [1, 1],
            [2, 0],
          ],
        },
      ],
      options,
    );
    expect(legendY(falling)).toBe(28 + 14);
    expect(legendY(rising)).toBe(28 + (280 - 28 - 44) - 15 + 6);
    // Crossing both right-hand corners (a V): the legend goes to the top left.
    const legendX = (svg: string) =>
      Number(/<text x="([\d.]+)" y="[\d.]+" font-size="11">up<\/text>/.exec(svg)![1]);
    const valley = lineChartSvg(
      [
        {
          name: 'up',
          points: [
            [0, 5],
            [1, 4],
            [2, 0],
            [2.5, 5],
            [3, 10],
          ],
        },
      ],
      options,
    );
    expect([legendX(valley), legendY(valley)]).toEqual([64 + 4 + 28, 28 + 14]);
    expect(legendX(falling)).toBe(460 - 16 - 122 + 28);
  });

  it('bins a histogram: equal widths, the top edge in the last bin, non-finite values left out', () => {
    // Values 0..10 in 5 bins of width 2: [0,2) holds 0, 1; …; [8,10] holds 8, 9, 10.
    const values = [...Array.from({ length: 11 }, (_, i) => i), Number.NaN, Infinity];
    const { edges, counts } = histogramBins(values, 5);
    expect(edges).toEqual([0, 2, 4, 6, 8, 10]);
    expect(counts).toEqual([2, 2, 2, 2, 3]);
    // All equal: one bin of width 1 around the value.
    expect(histogramBins([3, 3], 2)).toEqual({ edges: [2.5, 3, 3.5], counts: [0, 2] });
    // The range widens to cover values to include (markers), here 0 below the data.
    expect(histogramBins([2, 3, 4], 2, [0])).toEqual({ edges: [0, 2, 4], counts: [0, 3] });
    // Many values (more than a function call takes as arguments) are counted, not spread.
    const many = Float32Array.from({ length: 600_000 }, (_, i) => i % 4);
    expect(histogramBins(many, 4).counts).toEqual([150_000, 150_000, 150_000, 150_000]);
    const svg = histogramSvg(values, {
      title: 'h',
      xLabel: 'v',
      bins: 5,
      markers: [{ value: 5, label: 'mean 5' }],
    });
    expect(svg.match(/<rect x="[\d.]+" y="[\d.]+" width/g)).toHaveLength(5 + 1); // bars and frame
    expect(svg).toContain('mean 5');
    const bars = barChartSvg([0.5, 2, 0], { title: 'kl', xLabel: 'dim', yLabel: 'nats' });
    expect(bars.match(/fill-opacity="0.85"/g)).toHaveLength(3);
  });

  it('renders a self-contained page with escaped text', () => {
    const html = renderReportHtml({
      title: 'VAE on <mnist>',
      facts: [['epochs', '3']],
      sections: [
        {
          heading: 'Samples',
          explanation: 'From the prior & decoded.',
          html: figure('data:image/png;base64,AA==', 'samples'),
        },
      ],
      footer: 'aekit',
    });
    expect(html).toContain('<title>VAE on &lt;mnist&gt;</title>');
    expect(html).toContain('From the prior &amp; decoded.');
    expect(html).not.toMatch(/<(script|link)\b/);
    expect(escapeHtml('"a"')).toBe('&quot;a&quot;');
  });
});
