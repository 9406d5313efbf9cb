import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ModelFileError } from './errors';
import { type FileSystem, oldPrefix, temporaryPrefix } from './file-system';

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function uniqueSuffix(): string {
  return `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Flushes a folder's entries (new names, renames) to disk. Windows cannot open folders: skip. */
async function syncFolder(path: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') {
      throw error;
    }
  } finally {
    await handle?.close();
  }
}

/** Writes and flushes a new file; fails if `path` exists. */
async function writeNewFile(path: string, data: Uint8Array): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Node's file system, with fsync and rename for atomic writes. */
export const nodeFileSystem: FileSystem = {
  join,
  dirname,
  basename,

  async readFile(path) {
    try {
      const buffer = await readFile(path);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  },

  async list(path) {
    try {
      return await readdir(path);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  },

  async makeFolder(path) {
    await mkdir(path, { recursive: true });
  },

  async removeFile(path) {
    await rm(path, { force: true });
  },

  async writeFileAtomic(path, data) {
    const folder = dirname(resolve(path));
    const temporary = join(folder, `${temporaryPrefix(basename(path))}${uniqueSuffix()}`);
    try {
      await writeNewFile(temporary, data);
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    await syncFolder(folder);
  },

  async writeFolderAtomic(path, files, { replaceable, functionName }) {
    const target = resolve(path);
    const parent = dirname(target);
    const name = basename(target);
    await mkdir(parent, { recursive: true });
    const existing = await readdir(target).catch((error: unknown) => {
      if (isMissing(error)) return undefined;
      throw error;
    });
    if (existing === undefined && (await stat(target).catch(() => undefined)) !== undefined) {
      throw new ModelFileError({
        functionName,
        file: target,
        problem: 'exists and is not a folder.',
      });
    }
    const foreign = existing?.filter((entry) => !replaceable.includes(entry)) ?? [];
    if (foreign.length > 0) {
      throw new ModelFileError({
        functionName,
        file: target,
        problem: `holds ${foreign.map((entry) => `'${entry}'`).join(', ')}, which writing a model there would delete. Choose a new or empty folder.`,
      });
    }
    const temporary = join(parent, `${temporaryPrefix(name)}${uniqueSuffix()}`);
    try {
      await mkdir(temporary);
      for (const [file, data] of files) await writeNewFile(join(temporary, file), data);
      await syncFolder(temporary);
      if (existing === undefined) {
        await rename(temporary, target);
      } else {
        const old = join(parent, `${oldPrefix(name)}${uniqueSuffix()}`);
        await rename(target, old);
        await rename(temporary, target);
        await syncFolder(parent);
        await rm(old, { recursive: true, force: true });
      }
    } catch (error) {
      await rm(temporary, { recursive: true, force: true });
      throw error;
    }
    await syncFolder(parent);
  },

  isTemporary(name, target) {
    return name.startsWith(temporaryPrefix(target));
  },
};
