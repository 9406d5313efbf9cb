import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataSpecText, loadData, parseDataSpec } from './data-source';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aekit-data-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parseDataSpec', () => {
  it('reads the four kinds, with paths from the working folder', () => {
    expect(parseDataSpec('train', 'mnist', '/w')).toEqual({ kind: 'mnist' });
    expect(parseDataSpec('train', 'fashion-mnist', '/w')).toEqual({ kind: 'fashion-mnist' });
    expect(parseDataSpec('train', 'idx:a.idx,/b/c.idx', '/w')).toEqual({
      kind: 'idx',
      images: '/w/a.idx',
      labels: '/b/c.idx',
    });
    expect(parseDataSpec('train', 'idx:a.idx', '/w')).toEqual({
      kind: 'idx',
      images: '/w/a.idx',
      labels: null,
    });
    const csv = parseDataSpec('eval', 'csv:d/x.csv', '/w', 'class');
    expect(csv).toEqual({ kind: 'csv', file: '/w/d/x.csv', labelColumn: 'class' });
    expect(dataSpecText(csv)).toBe('csv:/w/d/x.csv');
    const images = parseDataSpec('train', 'images:pics,size=28x14', '/w');
    expect(images).toEqual({ kind: 'images', folder: '/w/pics', size: [28, 14], color: 'grey' });
    expect(dataSpecText(images)).toBe('images:/w/pics,size=28x14');
    expect(parseDataSpec('train', 'images:/p,size=8', '/w')).toEqual({
      kind: 'images',
      folder: '/p',
      size: [8, 8],
      color: 'grey',
    });
    const colour = parseDataSpec('train', 'images:p,rgb,size=8', '/w');
    expect(colour).toEqual({ kind: 'images', folder: '/w/p', size: [8, 8], color: 'rgb' });
    expect(dataSpecText(colour)).toBe('images:/w/p,size=8x8,rgb');
    expect(() => parseDataSpec('train', 'images:p,size=0', '/w')).toThrow(
      /After the folder: size=<n>, size=<height>x<width> or rgb \(got 'size=0'\)\./,
    );
  });

  it('rejects what it cannot read, naming the command and the flag', () => {
    expect(() => parseDataSpec('train', 'idx:a,b,c', '/w')).toThrow(
      `aekit train: '--data' must be mnist, fashion-mnist, idx:<images>[,<labels>], csv:<file> or images:<folder>[,size=<n>|<h>x<w>][,rgb], got "idx:a,b,c". Give the images file, then optionally a comma and the labels file.`,
    );
    expect(() => parseDataSpec('eval', 'csv:', '/w')).toThrow(`got "csv:".`);
    expect(() => parseDataSpec('train', 'mnist', '/w', 'label')).toThrow(
      `aekit train: '--label-column' must be given only with --data csv:<file>, got "label".`,
    );
  });
});

describe('loadData', () => {
  it('scales CSV values by the smallest and largest in the file and holds out 10%, stratified', async () => {
    // 40 rows: x1 from -2 to 6, x2 = 1; labels a/b alternating.
    const rows = Array.from(
      { length: 40 },
      (_, i) => `${-2 + (8 * i) / 39},1,${i % 2 ? 'b' : 'a'}`,
    );
    const file = join(dir, 'points.csv');
    await writeFile(file, `x1,x2,kind\n${rows.join('\n')}\n`);
    const data = await loadData('train', parseDataSpec('train', `csv:${file}`, dir, 'kind'));
    expect(data.name).toBe('points.csv');
    expect([data.train.size, data.test.size, data.dim]).toEqual([36, 4, 2]);
    expect(data.classNames).toEqual(['a', 'b']);
    expect(Array.from(data.test.labels!).sort()).toEqual([0, 0, 1, 1]);
    expect(data.imageShape).toBeNull();
    expect(data.notes).toEqual([
      'Values scaled from [-2, 6], the smallest and largest in the file, to [0, 1].',
      '4 of the 40 examples (10%, seeded, stratified by label) held out as the test split.',
    ]);
    // (v + 2) / 8 for x1; x2 = 1 → 3 / 8, in every row of both splits.
    const all = [data.train, data.test].flatMap((split) =>
      Array.from({ length: split.size }, (_, i) => Array.from(split.sampleAt(i).x)),
    );
    const x1 = all.map((row) => row[0]!).sort((a, b) => a - b);
    expect(x1[0]).toBeCloseTo(0, 6);
    expect(x1[39]).toBeCloseTo(1, 6);
    expect(all.every((row) => Math.abs(row[1]! - 3 / 8) < 1e-6)).toBe(true);
  });

  it('keeps values already in [0, 1], and divides integer values up to 255 by 255', async () => {
    const unit = join(dir, 'unit.csv');
    await writeFile(unit, 'a,b\n0,0.5\n1,0.25\n');
    expect((await loadData('train', parseDataSpec('train', `csv:${unit}`, dir))).notes[0]).toBe(
      'Values already lie in [0, 1]; used as they are.',
    );
    const levels = join(dir, 'levels.csv');
    await writeFile(levels, 'a,b,c,d\n0,255,17,3\n4,5,6,7\n');
    const data = await loadData('train', parseDataSpec('train', `csv:${levels}`, dir));
    expect(data.notes[0]).toBe(
      'Integer values in [0, 255] divided by 255, so values lie in [0, 1].',
    );
    // Four values per example: a 2 × 2 square is not taken for an image (too small).
    expect(data.imageShape).toBeNull();
    expect(data.test.size + data.train.size).toBe(2);
  });

  it('reads a folder of pictures, labelled by sub-folder, as grey images in [0, 1]', async () => {
    const sharp = (await import('sharp')).default;
    for (const [index, name] of ['cat', 'cat', 'dog', 'dog', 'dog'].entries()) {
      await mkdir(join(dir, 'pics', name), { recursive: true });
      const rgb = new Uint8Array(6 * 6 * 3).fill(40 * index);
      await sharp(rgb, { raw: { width: 6, height: 6, channels: 3 } })
        .png()
        .toFile(join(dir, 'pics', name, `${index}.png`));
    }
    const data = await loadData('train', parseDataSpec('train', 'images:pics,size=3', dir));
    expect(data.classNames).toEqual(['cat', 'dog']);
    expect([data.train.size, data.test.size, data.dim]).toEqual([4, 1, 9]);
    expect(data.imageShape).toEqual([3, 3]);
    expect(data.notes[0]).toBe(
      '5 pictures labelled by their sub-folder, grey (BT.601 weights), 3×3 pixels (resized by area averaging), in [0, 1].',
    );
    const colour = await loadData('train', parseDataSpec('train', 'images:pics,size=3,rgb', dir));
    expect([colour.dim, colour.imageShape]).toEqual([27, [3, 3, 3]]);
    expect(colour.notes[0]).toBe(
      '5 pictures labelled by their sub-folder, colour (RGB, channels last), 3×3 pixels (resized by area averaging), in [0, 1].',
    );
  });

  it('says which file is missing', async () => {
    await expect(
      loadData('eval', parseDataSpec('eval', 'idx:none.idx,labels.idx', dir)),
    ).rejects.toThrow(
      `aekit eval: '--data' must be files that exist, got "idx:${dir}/none.idx,${dir}/labels.idx". There is no file ${dir}/none.idx.`,
    );
  });
});
