import { escapeHtml } from './charts';

/** One titled part of the report. */
export interface ReportSection {
  readonly heading: string;
  /** One or two sentences: what the figure shows and what the lecture says to look for. */
  readonly explanation: string;
  /** Trusted HTML (figures made by this package: SVG, <img> with data URLs, tables). */
  readonly html: string;
}

export interface ReportPage {
  readonly title: string;
  /** Key facts shown as a table at the top (family, data, epochs, final losses, …). */
  readonly facts: readonly (readonly [string, string])[];
  readonly sections: readonly ReportSection[];
  /** Shown at the bottom: versions and when the report was made. */
  readonly footer: string;
}

/** A self-contained HTML page (no external assets) for a trained model. */
export function renderReportHtml(page: ReportPage): string {
  const facts = page.facts
    .map(
      ([key, value]) =>
        `<tr><th scope="row">${escapeHtml(key)}</th><td>${escapeHtml(value)}</td></tr>`,
    )
    .join('');
  const sections = page.sections
    .map(
      (section) =>
        `<section><h2>${escapeHtml(section.heading)}</h2><p class="explain">${escapeHtml(section.explanation)}</p><div class="figure">${section.html}</div></section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 24px; color: #1d1f23; }
  h1 { font-size: 24px; margin-bottom: 8px; }
  h2 { font-size: 18px; margin: 32px 0 4px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
  .explain { color: #444; margin: 4px 0 12px; max-width: 760px; }
  table.facts { border-collapse: collapse; }
  table.facts th { text-align: left; font-weight: 600; padding: 2px 16px 2px 0; }
  table.facts td { padding: 2px 0; font-variant-numeric: tabular-nums; }
  .figure { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
  .figure figure { margin: 0; }
  .figure figcaption { font-size: 13px; color: #555; }
  img { image-rendering: pixelated; }
  table.data { border-collapse: collapse; font-variant-numeric: tabular-nums; margin-bottom: 8px; }
  table.data th, table.data td { padding: 3px 10px; border-bottom: 1px solid #e3e3e3; text-align: left; }
  table.data td.number { text-align: right; }
  table.data .bar { display: inline-block; height: 12px; background: #1f77b4; vertical-align: middle; }
  table.confusion th, table.confusion td { padding: 3px 6px; font-size: 13px; }
  table.confusion thead th { text-align: right; vertical-align: bottom; white-space: nowrap; }
  table.confusion td.number { min-width: 40px; }
  footer { margin-top: 40px; color: #777; font-size: 13px; }
</style>
</head>
<body>
<h1>${escapeHtml(page.title)}</h1>
<table class="facts">${facts}</table>
${sections}
<footer>${escapeHtml(page.footer)}</footer>
</body>
</html>
`;
}

/** An <img> with a caption, for a PNG data URL. */
export function figure(dataUrl: string, caption: string, alt = caption): string {
  return `<figure><img src="${dataUrl}" alt="${escapeHtml(alt)}"><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}
