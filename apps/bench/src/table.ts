/** A markdown table from a header row and rows of cells. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const ragged = rows.findIndex((row) => row.length !== header.length);
  if (ragged >= 0) {
    throw new Error(
      `markdownTable: row ${ragged} has ${rows[ragged]!.length} cells for ${header.length} columns.`,
    );
  }
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [
    line(header),
    `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}
