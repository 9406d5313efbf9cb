import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { classColour, escapeHtml, lineChartSvg, scatterSvg } from './charts';
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
