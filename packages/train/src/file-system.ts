/**
 * The file operations that model folders and checkpoints need. Node provides them
 * (`node-file-system.ts`); the browser build has none, and the functions that need them say so.
 */
export interface FileSystem {
  /** `parts` joined into one path. */
  join(...parts: string[]): string;
  /** The folder that holds `path`. */
  dirname(path: string): string;
  /** The last part of `path`. */
  basename(path: string): string;
  /** The file's bytes, or undefined when it does not exist. */
  readFile(path: string): Promise<Uint8Array | undefined>;
  /** The names in folder `path`, or undefined when it does not exist. */
  list(path: string): Promise<string[] | undefined>;
  /** Creates folder `path` and its parents if needed. */
  makeFolder(path: string): Promise<void>;
  /** Removes the file if it exists. */
  removeFile(path: string): Promise<void>;
  /**
   * Writes `data` to `path` atomically: a temporary file in the same folder, flushed to disk
   * (fsync), renamed over `path`, and the folder flushed. A crash at any point leaves either the
   * old file or the new one, never a mix; at worst a stray temporary file (see `isTemporary`).
   */
  writeFileAtomic(path: string, data: Uint8Array): Promise<void>;
  /**
   * Makes folder `path` hold exactly `files` (name → bytes), atomically: a complete temporary
   * folder is flushed and renamed into place. When `path` exists it must hold no names outside
   * `replaceable`, else a `ModelFileError` from `functionName` says which; the old folder is
   * swapped out and removed. A crash between the two renames of a swap leaves the old folder
   * complete beside `path` as `.<name>.old-…`.
   */
  writeFolderAtomic(
    path: string,
    files: ReadonlyMap<string, Uint8Array>,
    options: { readonly replaceable: readonly string[]; readonly functionName: string },
  ): Promise<void>;
  /** Whether `name` is a temporary file or folder left by an interrupted write of `target`. */
  isTemporary(name: string, target: string): boolean;
}

/** Prefix of temporary names: `.<target>.tmp-…` for files and folders being written. */
export function temporaryPrefix(target: string): string {
  return `.${target}.tmp-`;
}

/** Prefix of an old folder being swapped out: `.<target>.old-…`. */
export function oldPrefix(target: string): string {
  return `.${target}.old-`;
}
