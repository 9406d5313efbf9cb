import {
  checkBoolean,
  checkOptionsObject,
  checkPositiveIntegerList,
  formatValue,
  InvalidArgumentError,
} from '@aekit/core';
import Papa from 'papaparse';
import { createDataset, type Dataset } from './dataset';
import { DataFormatError } from './errors';

/** Options of `loadCsv`. */
export interface CsvOptions {
  /**
   * The column of labels, by header name or by index counting from 0. Integer labels (≥ 0)
   * are kept; any other text is a class name (labels then number the sorted names).
   * Default: no labels, every column is a feature.
   */
  readonly labelColumn?: string | number;
  /** Whether the first row names the columns. Default `true`. */
  readonly header?: boolean;
  /** The delimiter; default: detected (comma, tab, pipe, semicolon…). */
  readonly delimiter?: string;
  /**
   * The shape of one sample when each row is a picture, e.g. `[28, 28, 1]` (the row's values
   * row-major, channels last); the product of its sizes must be the number of feature columns.
   * Default: a vector.
   */
  readonly imageShape?: readonly number[];
}

const integerText = /^\d+$/;

/**
 * Parses CSV text into a dataset of float32 features. Rows count from 1 at the first line of
 * the text, header included, as in a spreadsheet; a blank line is skipped but counted. Every
 * feature cell must hold a finite number: an empty, missing, non-numeric or non-finite cell
 * is an error naming its row and column.
 */
export function parseCsvText(
  functionName: string,
  text: string,
  label: string,
  options: CsvOptions,
): Dataset {
  checkOptionsObject(functionName, 'options', options, [
    'labelColumn',
    'header',
    'delimiter',
    'imageShape',
  ]);
  const imageShape =
    options.imageShape === undefined
      ? null
      : checkPositiveIntegerList(functionName, 'options.imageShape', options.imageShape);
  const header =
    options.header === undefined ? true : checkBoolean(functionName, 'header', options.header);
  const { labelColumn, delimiter } = options;
  if (delimiter !== undefined && (typeof delimiter !== 'string' || delimiter.length === 0)) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'delimiter',
      rule: 'a non-empty string',
      value: delimiter,
    });
  }
  const fail = (problem: string, row?: number, column?: string | number) =>
    new DataFormatError({ functionName, source: label, problem, row, column });
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // Papa Parse guesses the delimiter well only without blank lines, which the real parse
  // keeps (so that row numbers stay line numbers): guess on the first rows without them.
  const guessed =
    delimiter ??
    Papa.parse<string[]>(body, { preview: 20, skipEmptyLines: 'greedy', delimiter: '' }).meta
      .delimiter;
  const parsed = Papa.parse<string[]>(body, {
    header: false,
    dynamicTyping: false,
    skipEmptyLines: false,
    delimiter: guessed,
  });
  const parseError = parsed.errors.find((error) => error.code !== 'UndetectableDelimiter');
  if (parseError !== undefined) {
    const row = (parseError.row ?? 0) + 1;
    throw fail(`${label}, row ${row}: ${parseError.message}.`, row);
  }
  // Rows with their 1-based numbers, blank lines left out.
  const records = parsed.data
    .map((cells, index) => ({ cells, row: index + 1 }))
    .filter(({ cells }) => !(cells.length === 1 && cells[0]!.trim() === ''));
  const first = records[0];
  if (first === undefined) throw fail(`${label} holds no rows.`);
  const width = first.cells.length;
  const names = header ? first.cells.map((name) => name.trim()) : null;
  const dataRecords = header ? records.slice(1) : records;
  if (dataRecords.length === 0) throw fail(`${label} holds no data rows, only a header.`);

  const columnName = (column: number) =>
    names !== null && names[column] !== '' ? `'${names[column]}'` : `index ${column}`;

  let labelIndex: number | undefined;
  if (labelColumn !== undefined) {
    if (typeof labelColumn === 'string') {
      if (names === null) {
        throw new InvalidArgumentError({
          functionName,
          argument: 'labelColumn',
          rule: 'a column index counting from 0 when the CSV has no header',
          value: labelColumn,
        });
      }
      const matches = names.filter((name) => name === labelColumn).length;
      if (matches !== 1) {
        throw new InvalidArgumentError({
          functionName,
          argument: 'labelColumn',
          rule: `${matches === 0 ? 'one' : 'exactly one'} of the header's column names ${names.map((name) => formatValue(name)).join(', ')}`,
          value: labelColumn,
          hint: matches > 1 ? `The header names ${matches} columns so.` : undefined,
        });
      }
      labelIndex = names.indexOf(labelColumn);
    } else if (Number.isInteger(labelColumn) && labelColumn >= 0 && labelColumn < width) {
      labelIndex = labelColumn;
    } else {
      throw new InvalidArgumentError({
        functionName,
        argument: 'labelColumn',
        rule: `a column name or an index in [0, ${width - 1}]`,
        value: labelColumn,
      });
    }
  }

  const dim = width - (labelIndex === undefined ? 0 : 1);
  if (dim === 0) throw fail(`${label} has no feature columns, only the label column.`);
  const values = new Float32Array(dataRecords.length * dim);
  const labelTexts: string[] = [];
  dataRecords.forEach(({ cells, row }, sample) => {
    if (cells.length > width) {
      throw fail(
        `${label}, row ${row} has ${cells.length} cells, ${cells.length - width} more than the ${width} of row ${first.row}.`,
        row,
      );
    }
    let feature = sample * dim;
    for (let column = 0; column < width; column += 1) {
      const cell = cells[column];
      const where = `${label}, row ${row}, column ${columnName(column)}`;
      if (cell === undefined) {
        throw fail(
          `${where} is missing: the row has ${cells.length} cells, but row ${first.row} has ${width}.`,
          row,
          names?.[column] ?? column,
        );
      }
      const trimmed = cell.trim();
      if (trimmed === '') throw fail(`${where} is empty.`, row, names?.[column] ?? column);
      if (column === labelIndex) {
        labelTexts.push(trimmed);
        continue;
      }
      const value = Number(trimmed);
      const stored = Math.fround(value);
      if (Number.isNaN(value) && trimmed !== 'NaN') {
        throw fail(
          `${where}: ${formatValue(cell)} is not a number.`,
          row,
          names?.[column] ?? column,
        );
      }
      if (!Number.isFinite(stored)) {
        const why = Number.isFinite(value) ? `${trimmed} does not fit in float32` : `${trimmed}`;
        throw fail(`${where} holds ${why}; values must be finite.`, row, names?.[column] ?? column);
      }
      values[feature] = stored;
      feature += 1;
    }
  });

  let labels: Int32Array | null = null;
  let classNames: readonly string[] | null = null;
  if (labelIndex !== undefined) {
    if (labelTexts.every((text) => integerText.test(text) && Number(text) <= 0x7fffffff)) {
      labels = Int32Array.from(labelTexts, Number);
    } else {
      classNames = Object.freeze([...new Set(labelTexts)].sort());
      const index = new Map(classNames.map((name, i) => [name, i]));
      labels = Int32Array.from(labelTexts, (text) => index.get(text)!);
    }
  }
  if (imageShape !== null && imageShape.reduce((a, b) => a * b, 1) !== dim) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'options.imageShape',
      rule: `sizes whose product is the ${dim} feature columns of ${label}`,
      value: imageShape,
    });
  }
  return createDataset({
    functionName,
    values,
    count: dataRecords.length,
    featureShape: imageShape ?? [dim],
    labels,
    classNames,
  });
}
