import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as browser from './browser';
import { DataFormatError } from './errors';
import { loadCsv } from './index';

const dir = mkdtempSync(join(tmpdir(), 'aekit-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const iris = `sepal_length,sepal_width,species
5.1,3.5,setosa
7.0,3.2,versicolor

6.3,3.3,virginica
4.9,3.0,setosa
`;

describe('loadCsv', () => {
  it('reads a header, features as float32 and class-name labels, from text, a file, bytes or a Blob', async () => {
    const path = join(dir, 'iris.csv');
    writeFileSync(path, `\ufeff${iris}`);
    const sources = [
      iris,
      path,
      new URL(`file://${path}`),
      new TextEncoder().encode(iris),
      new Blob([iris]),
    ];
    for (const source of sources) {
      const data = await loadCsv(source, { labelColumn: 'species' });
      expect(data.size).toBe(4);
      expect(data.dim).toBe(2);
      expect(data.dtype).toBe('float32');
      expect(data.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
      expect(Array.from(data.labels!)).toEqual([0, 1, 2, 0]);
      expect(Array.from(data.sampleAt(1).x)).toEqual([7, 3.2].map(Math.fround));
    }
    const inBrowser = await browser.loadCsv(iris, { labelColumn: 2 });
    expect(Array.from(inBrowser.labels!)).toEqual([0, 1, 2, 0]);
  });

  it('keeps integer labels, reads files without a header, and other delimiters', async () => {
    const data = await loadCsv('1;0.5;2\n0;1.5;-3\n', {
      header: false,
      labelColumn: 0,
      delimiter: ';',
    });
    expect(Array.from(data.labels!)).toEqual([1, 0]);
    expect(data.classNames).toBeNull();
    expect(Array.from(data.sampleAt(1).x)).toEqual([1.5, -3]);
    const tabs = await loadCsv('a\tb\n1\t2\n');
    expect(Array.from(tabs.sampleAt(0).x)).toEqual([1, 2]);
    expect(tabs.hasLabels).toBe(false);
    const quoted = await loadCsv('"x, y",z\n"1",2\n');
    expect(Array.from(quoted.sampleAt(0).x)).toEqual([1, 2]);
  });

  it('names the row and column of a non-numeric, empty, missing or non-finite cell', async () => {
    const cases: [string, string][] = [
      ['a,b\n1,2\n3,abc\n', `row 3, column 'b': "abc" is not a number.`],
      ['a,b\n1,2\n,4\n', `row 3, column 'a' is empty.`],
      ['a,b\n1,2\n3,  \n', `row 3, column 'b' is empty.`],
      [
        'a,b,c\n1,2,3\n4,5\n',
        `row 3, column 'c' is missing: the row has 2 cells, but row 1 has 3.`,
      ],
      ['a,b\n1,2\n\n3,4,5\n', 'row 4 has 3 cells, 1 more than the 2 of row 1.'],
      ['a,b\n1,NaN\n', `row 2, column 'b' holds NaN; values must be finite.`],
      ['a,b\n1,2\n-Infinity,2\n', `row 3, column 'a' holds -Infinity; values must be finite.`],
      [
        'a,b\n1,1e39\n',
        `row 2, column 'b' holds 1e39 does not fit in float32; values must be finite.`,
      ],
      ['a,label\n1,x\n2,\n', `row 3, column 'label' is empty.`],
    ];
    for (const [text, problem] of cases) {
      await expect(
        loadCsv(text, { labelColumn: text.includes('label') ? 'label' : undefined }),
      ).rejects.toThrow(`loadCsv: the CSV text, ${problem}`);
    }
    await expect(loadCsv('1,2\n3,x\n', { header: false })).rejects.toThrow(
      'loadCsv: the CSV text, row 2, column index 1: "x" is not a number.',
    );
    const path = join(dir, 'bad.csv');
    writeFileSync(path, 'a,b\n1,2\n3,?\n');
    const error = await loadCsv(path).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(
      `loadCsv: '${path}', row 3, column 'b': "?" is not a number.`,
    );
    expect(DataFormatError.isInstance(error)).toBe(true);
    expect((error as DataFormatError).row).toBe(3);
    expect((error as DataFormatError).column).toBe('b');
  });

  it('reports malformed CSV and bad options', async () => {
    await expect(loadCsv('a,b\n1,"2\n')).rejects.toThrow(
      'loadCsv: the CSV text, row 2: Quoted field unterminated.',
    );
    await expect(loadCsv('a,b\n')).rejects.toThrow(
      'loadCsv: the CSV text holds no data rows, only a header.',
    );
    await expect(loadCsv('a,b\n1,2\n', { labelColumn: 'c' })).rejects.toThrow(
      'loadCsv: \'labelColumn\' must be one of the header\'s column names "a", "b", got "c".',
    );
    await expect(loadCsv('1,2\n', { header: false, labelColumn: 'a' })).rejects.toThrow(
      'loadCsv: \'labelColumn\' must be a column index counting from 0 when the CSV has no header, got "a".',
    );
    await expect(loadCsv(join(dir, 'missing.csv'))).rejects.toThrow(
      `loadCsv: cannot read '${join(dir, 'missing.csv')}': ENOENT`,
    );
  });
});

describe('loadCsv: options', () => {
  it('rejects an unknown option, naming the one likely meant, in Node and the browser', async () => {
    const message = "loadCsv: unknown option 'labelColum'; did you mean 'labelColumn'?";
    await expect(loadCsv('a,b\n1,2\n', { labelColum: 'b' } as never)).rejects.toThrow(message);
    await expect(browser.loadCsv('a,b\n1,2\n', { labelColum: 'b' } as never)).rejects.toThrow(
      message,
    );
  });
});

describe('loadCsv: pictures', () => {
  it('gives each row the image shape asked for, and checks that it fits the columns', async () => {
    const text = 'label,p0,p1,p2,p3,p4,p5\n1,0,1,2,3,4,5\n0,5,4,3,2,1,0\n';
    const data = await loadCsv(text, { labelColumn: 'label', imageShape: [2, 3, 1] });
    expect(data.featureShape).toEqual([2, 3, 1]);
    expect(data.dim).toBe(6);
    await expect(loadCsv(text, { labelColumn: 'label', imageShape: [2, 2, 1] })).rejects.toThrow(
      "loadCsv: 'options.imageShape' must be sizes whose product is the 6 feature columns of the CSV text, got [2, 2, 1].",
    );
    await expect(loadCsv(text, { imageShape: [0, 3] })).rejects.toThrow(
      /'options\.imageShape' must be a non-empty array of positive integers/,
    );
  });
});
