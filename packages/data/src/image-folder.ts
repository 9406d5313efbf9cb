import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AekitError, InvalidArgumentError } from '@aekit/core';
import type { Dataset } from './dataset';
import { DataFormatError, DataNotFoundError } from './errors';
import {
  type DecodedImage,
  datasetFromImages,
  type ImageOptions,
  isImageName,
  type NamedImage,
  resolveImageOptions,
  toRgb,
} from './images';

/** What `loadImageFolder` needs of sharp (the Node image library it decodes with). */
type Sharp = (input: string) => {
  raw(options: { depth: 'uchar' }): {
    toBuffer(options: {
      resolveWithObject: true;
    }): Promise<{ data: Uint8Array; info: { width: number; height: number; channels: number } }>;
  };
};

/** sharp, loaded when first needed: an optional peer dependency of `@aekit/data`. */
async function loadSharp(functionName: string): Promise<Sharp> {
  try {
    const module = (await import('sharp')) as unknown as { default: Sharp };
    return module.default;
  } catch (error) {
    throw new AekitError(
      `${functionName}: decoding pictures in Node needs the package 'sharp' (an optional peer dependency of @aekit/data): npm install sharp`,
      { cause: error },
    );
  }
}

async function decodeFile(
  functionName: string,
  sharp: Sharp,
  path: string,
  name: string,
): Promise<DecodedImage> {
  try {
    const { data, info } = await sharp(path).raw({ depth: 'uchar' }).toBuffer({
      resolveWithObject: true,
    });
    return {
      width: info.width,
      height: info.height,
      rgb: toRgb(data, info.width, info.height, info.channels),
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataFormatError(
      {
        functionName,
        source: name,
        problem: `'${name}' is not a picture sharp can decode: ${reason}.`,
      },
      { cause: error },
    );
  }
}

async function entriesOf(functionName: string, dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new DataNotFoundError({
        message: `${functionName}: there is no folder '${dir}': give the path of a folder of pictures, or of a folder with one sub-folder of pictures per class.`,
        dir,
        missing: [dir],
      });
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new AekitError(`${functionName}: cannot read the folder '${dir}': ${reason}`, {
      cause: error,
    });
  }
}

/**
 * A dataset of the pictures in a folder (PNG, JPEG, WebP, GIF, TIFF; decoded with sharp, which
 * must be installed): either one sub-folder per class — the labels are the sub-folders in
 * sorted order, their names the class names, as torchvision's `ImageFolder` does — or the
 * pictures directly in the folder, unlabelled. Pictures are taken in sorted order of their
 * paths, resized to `options.size` by area averaging, grey (default) or RGB, in [0, 1].
 * A file that does not decode is a `DataFormatError` naming it.
 *
 * ```ts
 * const faces = await loadImageFolder('faces/', { size: 64, color: 'rgb' });
 * faces.featureShape; // [64, 64, 3]
 * ```
 */
export async function loadImageFolder(
  folder: string | URL,
  options: ImageOptions = {},
): Promise<Dataset> {
  const functionName = 'loadImageFolder';
  if (typeof folder !== 'string' && !(folder instanceof URL)) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'folder',
      rule: 'a folder path or a file: URL',
      value: folder,
    });
  }
  const resolved = resolveImageOptions(functionName, options);
  const dir = typeof folder === 'string' ? folder : fileURLToPath(folder);
  const info = await stat(dir).catch(() => null);
  if (info !== null && !info.isDirectory()) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'folder',
      rule: 'a folder (of pictures, or of one sub-folder of pictures per class)',
      value: dir,
    });
  }
  const entries = await entriesOf(functionName, dir);
  const sorted = (names: string[]) => names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const topPictures = sorted(
    entries.filter((e) => e.isFile() && isImageName(e.name)).map((e) => e.name),
  );
  const classNames = sorted(
    entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name),
  );
  if (topPictures.length > 0 && classNames.length > 0) {
    throw new DataFormatError({
      functionName,
      source: dir,
      problem: `'${dir}' has both pictures (e.g. '${topPictures[0]}') and sub-folders (e.g. '${classNames[0]}'): put every picture in its class's sub-folder, or have no sub-folders for unlabelled pictures.`,
    });
  }
  const files: { path: string; label?: number }[] = [];
  if (classNames.length === 0) {
    for (const name of topPictures) files.push({ path: join(dir, name) });
  } else {
    for (const [label, className] of classNames.entries()) {
      const inner = await entriesOf(functionName, join(dir, className));
      for (const name of sorted(
        inner.filter((e) => e.isFile() && isImageName(e.name)).map((e) => e.name),
      )) {
        files.push({ path: join(dir, className, name), label });
      }
    }
  }
  const sharp = files.length > 0 ? await loadSharp(functionName) : null;
  const images: NamedImage[] = [];
  for (const file of files) {
    const name = relative(dir, file.path);
    images.push({
      name,
      image: await decodeFile(functionName, sharp!, file.path, name),
      ...(file.label === undefined ? {} : { label: file.label }),
    });
  }
  return datasetFromImages(
    functionName,
    dir,
    images,
    resolved,
    classNames.length === 0 ? null : classNames,
  );
}
