import { InvalidArgumentError } from '@aekit/core';
import type { Dataset } from './dataset';
import { DataFormatError } from './errors';
import {
  type DecodedImage,
  datasetFromImages,
  type ImageOptions,
  isImageName,
  type NamedImage,
  resolveImageOptions,
  toRgb,
} from './images';

/** Decodes one picture file into RGB bytes (the browser's decoder by default). */
export type ImageDecoder = (file: Blob) => Promise<DecodedImage>;

/** The browser's own decoders: `createImageBitmap`, drawn on an `OffscreenCanvas`. */
export const browserImageDecoder: ImageDecoder = async (file) => {
  const bitmap = await createImageBitmap(file);
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('no 2-D canvas context');
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    return {
      width: bitmap.width,
      height: bitmap.height,
      rgb: toRgb(
        new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
        bitmap.width,
        bitmap.height,
        4,
      ),
    };
  } finally {
    bitmap.close();
  }
};

/** The folder a file was picked from (`webkitRelativePath`'s last folder), or null. */
function folderOf(file: File): string | null {
  const parts = (file.webkitRelativePath ?? '').split('/').filter((part) => part !== '');
  return parts.length >= 3 ? parts[parts.length - 2]! : null;
}

/**
 * A dataset of picture `File`s, e.g. those an `<input type="file" webkitdirectory>` gives: when
 * every file was picked from a class sub-folder (`classes/cat/1.png`: its `webkitRelativePath`
 * has a top folder and a class folder), the labels are the class folders in sorted order;
 * otherwise the pictures are unlabelled. Files whose names are not pictures are skipped.
 * Decoding, resizing and colour are as `loadImageFolder`'s (decoded by the browser here).
 */
export async function loadImageFiles(
  files: Iterable<File> | ArrayLike<File>,
  options: ImageOptions = {},
  decode: ImageDecoder = browserImageDecoder,
): Promise<Dataset> {
  const functionName = 'loadImageFiles';
  const list =
    files !== null && typeof files === 'object' ? Array.from(files as ArrayLike<File>) : null;
  if (
    list === null ||
    !list.every(
      (file) =>
        typeof file === 'object' && file !== null && typeof (file as File).name === 'string',
    )
  ) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'files',
      rule: 'a list of File objects (a FileList, or an array)',
      value: files,
    });
  }
  const resolved = resolveImageOptions(functionName, options);
  const path = (file: File) => file.webkitRelativePath || file.name;
  const pictures = list
    .filter((file) => isImageName(file.name))
    .sort((a, b) => (path(a) < path(b) ? -1 : path(a) > path(b) ? 1 : 0));
  const folders = pictures.map(folderOf);
  const labelled = pictures.length > 0 && folders.every((folder) => folder !== null);
  const classNames = labelled ? [...new Set(folders as string[])].sort() : null;
  const images: NamedImage[] = [];
  for (const [index, file] of pictures.entries()) {
    let image: DecodedImage;
    try {
      image = await decode(file);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new DataFormatError(
        {
          functionName,
          source: path(file),
          problem: `'${path(file)}' is not a picture this browser can decode: ${reason}.`,
        },
        { cause: error },
      );
    }
    images.push({
      name: path(file),
      image,
      ...(classNames === null ? {} : { label: classNames.indexOf(folders[index]!) }),
    });
  }
  return datasetFromImages(functionName, 'the files', images, resolved, classNames);
}
