import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, UnknownOptionError } from '@aekit/core';
import { describeBackends } from '@aekit/test-utils';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from './dataset';
import { DataFormatError, DataNotFoundError } from './errors';
import { loadImageFiles } from './image-files';
import { loadImageFolder } from './image-folder';
import { imageValues } from './images';

// Pictures into datasets: files written here with sharp from known pixels, read back by
// loadImageFolder (sharp) and loadImageFiles (a stand-in for the browser's decoder), and the
// arithmetic (grey weights, area resizing) against sums written out here.

/** RGB bytes of a `width × height` picture whose pixel (x, y) is `colour(x, y)`. */
function pixels(width: number, height: number, colour: (x: number, y: number) => number[]) {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) rgb.set(colour(x, y), (y * width + x) * 3);
  }
  return rgb;
}

async function writePng(path: string, width: number, height: number, rgb: Uint8Array) {
  await sharp(rgb, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(path);
}

const grey = (r: number, g: number, b: number) => (0.299 * r + 0.587 * g + 0.114 * b) / 255;

function values(dataset: Dataset): number[] {
  const x = dataset.toTensor();
  const result = Array.from(x.dataSync());
  x.dispose();
  return result;
}

let root: string;
const colourA = (x: number, y: number) => [10 * x, 20 * y, 200];
const colourB = (x: number, y: number) => [255 - 30 * x, 40, 5 * y];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aekit-images-'));
  // A labelled folder: two classes, in sub-folders whose sorted order gives the labels.
  await mkdir(join(root, 'classes', 'shirt'), { recursive: true });
  await mkdir(join(root, 'classes', 'boot'), { recursive: true });
  await writePng(join(root, 'classes', 'shirt', 'b.png'), 4, 4, pixels(4, 4, colourB));
  await writePng(join(root, 'classes', 'shirt', 'a.png'), 4, 4, pixels(4, 4, colourA));
  await writePng(join(root, 'classes', 'boot', '1.png'), 4, 4, pixels(4, 4, colourB));
  await writeFile(join(root, 'classes', 'boot', 'notes.txt'), 'not a picture');
  // Unlabelled pictures of two sizes, one RGBA and one grey.
  await mkdir(join(root, 'mixed'));
  await writePng(join(root, 'mixed', 'a.png'), 4, 4, pixels(4, 4, colourA));
  await sharp(new Uint8Array(6 * 2 * 4).fill(128), { raw: { width: 6, height: 2, channels: 4 } })
    .png()
    .toFile(join(root, 'mixed', 'b.png'));
  await mkdir(join(root, 'broken', 'x'), { recursive: true });
  await writeFile(join(root, 'broken', 'x', 'bad.png'), 'this is not a PNG');
  await mkdir(join(root, 'both', 'sub'), { recursive: true });
  await writePng(join(root, 'both', 'loose.png'), 2, 2, pixels(2, 2, colourA));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describeBackends(['cpu'], 'loadImageFolder', () => {
  it('labels the pictures by sub-folder, in sorted order, grey by BT.601', async () => {
    const dataset = await loadImageFolder(join(root, 'classes'));
    expect(dataset.classNames).toEqual(['boot', 'shirt']);
    expect(Array.from(dataset.labels!)).toEqual([0, 1, 1]);
    expect(dataset.featureShape).toEqual([4, 4, 1]);
    // Sorted paths: boot/1.png (colour B), shirt/a.png (A), shirt/b.png (B).
    const expected = [colourB, colourA, colourB].flatMap((colour) =>
      Array.from({ length: 16 }, (_, pixel) =>
        grey(...(colour(pixel % 4, Math.floor(pixel / 4)) as [number, number, number])),
      ),
    );
    const got = values(dataset);
    for (const [index, value] of got.entries()) expect(value).toBeCloseTo(expected[index]!, 6);
  });

  it('keeps three channels with color rgb and resizes by area averaging', async () => {
    const dataset = await loadImageFolder(join(root, 'classes'), { size: 2, color: 'rgb' });
    expect(dataset.featureShape).toEqual([2, 2, 3]);
    const got = values(dataset);
    // Each output pixel is the mean of a 2×2 block of the input, per channel.
    const block = (colour: (x: number, y: number) => number[], bx: number, by: number, c: number) =>
      [0, 1]
        .flatMap((dy) => [0, 1].map((dx) => colour(2 * bx + dx, 2 * by + dy)[c]!))
        .reduce((a, b) => a + b) /
      4 /
      255;
    const first = [0, 1].flatMap((by) =>
      [0, 1].flatMap((bx) => [0, 1, 2].map((c) => block(colourB, bx, by, c))),
    );
    for (const [index, value] of got.slice(0, 12).entries()) {
      expect(value).toBeCloseTo(first[index]!, 6);
    }
  });

  it('reads unlabelled pictures, drops alpha, and needs a size when they differ', async () => {
    await expect(loadImageFolder(join(root, 'mixed'))).rejects.toThrow(
      "loadImageFolder: 'b.png' is 6×2 pixels but 'a.png' is 4×4: give options.size to resize them all to one size.",
    );
    const dataset = await loadImageFolder(join(root, 'mixed'), { size: [2, 3] });
    expect(dataset.hasLabels).toBe(false);
    expect(dataset.featureShape).toEqual([2, 3, 1]);
    // The RGBA picture is 128 grey everywhere (alpha 128 dropped): so is every resized pixel.
    for (const value of values(dataset).slice(6)) expect(value).toBeCloseTo(128 / 255, 6);
  });

  it('names the file that does not decode, and refuses what is not a picture folder', async () => {
    const broken = loadImageFolder(join(root, 'broken'));
    await expect(broken).rejects.toThrow(DataFormatError);
    await expect(loadImageFolder(join(root, 'broken'))).rejects.toThrow(
      /^loadImageFolder: 'x\/bad\.png' is not a picture sharp can decode: /,
    );
    await expect(loadImageFolder(join(root, 'both'))).rejects.toThrow(
      /has both pictures \(e\.g\. 'loose\.png'\) and sub-folders \(e\.g\. 'sub'\)/,
    );
    await expect(loadImageFolder(join(root, 'nowhere'))).rejects.toThrow(DataNotFoundError);
    await expect(loadImageFolder(join(root, 'classes', 'boot', 'notes.txt'))).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(loadImageFolder(join(root, 'both', 'sub'))).rejects.toThrow(/has no pictures/);
  });

  it('checks its options by name', async () => {
    const dir = join(root, 'classes');
    await expect(loadImageFolder(dir, { size: 0 })).rejects.toThrow(
      "loadImageFolder: 'options.size' must be a positive integer, got 0.",
    );
    await expect(loadImageFolder(dir, { color: 'cmyk' as 'rgb' })).rejects.toThrow(
      /'options\.color' must be 'grayscale' or 'rgb', got "cmyk"/,
    );
    await expect(loadImageFolder(dir, { sise: 28 } as never)).rejects.toThrow(UnknownOptionError);
  });
});

describe('imageValues: area resizing', () => {
  const image = {
    width: 5,
    height: 3,
    rgb: pixels(5, 3, (x, y) => [17 * x + 3 * y, 9 * y, 250 - 40 * x]),
  };

  it('keeps the mean of every channel (area averaging conserves it), whatever the factors', () => {
    for (const size of [
      [2, 2],
      [3, 5],
      [7, 4],
      [1, 1],
    ] as [number, number][]) {
      const out = imageValues(image, size, 3);
      for (let c = 0; c < 3; c += 1) {
        const inMean =
          Array.from({ length: 15 }, (_, p) => image.rgb[p * 3 + c]! / 255).reduce(
            (a, b) => a + b,
          ) / 15;
        const outValues = Array.from({ length: size[0] * size[1] }, (_, p) => out[p * 3 + c]!);
        const outMean = outValues.reduce((a, b) => a + b) / outValues.length;
        expect(outMean).toBeCloseTo(inMean, 5);
      }
    }
  });

  it('gives each pixel of an enlarged picture the input pixel it falls in (integer factors)', () => {
    const out = imageValues(image, [6, 10], 1);
    for (let y = 0; y < 6; y += 1) {
      for (let x = 0; x < 10; x += 1) {
        const [r, g, b] = [0, 1, 2].map(
          (c) => image.rgb[(Math.floor(y / 2) * 5 + Math.floor(x / 2)) * 3 + c]!,
        );
        expect(out[y * 10 + x]).toBeCloseTo(grey(r!, g!, b!), 6);
      }
    }
  });
});

describeBackends(['cpu'], 'loadImageFiles (the browser loader, with a stand-in decoder)', () => {
  const file = (path: string) => {
    const name = path.split('/').at(-1)!;
    const picked = new File([path], name);
    Object.defineProperty(picked, 'webkitRelativePath', { value: path });
    return picked;
  };
  // The stand-in decodes a 2×1 picture whose red value is the file's name length.
  const decode = async (blob: Blob) => {
    const text = await blob.text();
    if (text.includes('bad')) throw new Error('no decoder for this');
    return { width: 2, height: 1, rgb: new Uint8Array([text.length, 0, 0, text.length, 0, 0]) };
  };

  it('labels files by the class folder they were picked from, skipping other files', async () => {
    const files = [
      file('set/b/xx.png'),
      file('set/a/y.jpg'),
      file('set/a/readme.md'),
      file('set/b/z.PNG'),
    ];
    const dataset = await loadImageFiles(files, { color: 'rgb' }, decode);
    expect(dataset.classNames).toEqual(['a', 'b']);
    expect(Array.from(dataset.labels!)).toEqual([0, 1, 1]);
    expect(values(dataset).filter((_, index) => index % 6 === 0)).toEqual(
      ['set/a/y.jpg', 'set/b/xx.png', 'set/b/z.PNG'].map((path) => Math.fround(path.length / 255)),
    );
  });

  it('leaves files without class folders unlabelled and names a file that does not decode', async () => {
    const loose = await loadImageFiles([new File(['p'], 'p.png')], {}, decode);
    expect(loose.hasLabels).toBe(false);
    await expect(loadImageFiles([file('set/a/bad.png')], {}, decode)).rejects.toThrow(
      "loadImageFiles: 'set/a/bad.png' is not a picture this browser can decode: no decoder for this.",
    );
    await expect(loadImageFiles('pictures' as never)).rejects.toThrow(
      /'files' must be a list of File objects/,
    );
  });
});
