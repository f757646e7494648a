// Replacing a small file so that a crash or a power cut leaves the old content or the new one,
// never an empty or half-written file: the content goes to a temporary file beside it, is synced
// to disk, then renamed over the file, and the folder is synced so the rename itself is kept.
// Every settings and store file of the data folder is written this way.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface ReplaceOptions {
  /** File mode of a new file (e.g. 0o600 for a file holding a password). */
  mode?: number;
}

function temporaryBeside(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/** Syncs the folder so a rename in it survives a power cut; folders cannot be opened on Windows, where the rename is durable as is. */
function syncFolderSync(path: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dirname(path), 'r');
    fsyncSync(fd);
  } catch {
    // Best effort (see above).
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Replaces `path` with `content` (see the file comment); on failure the old file is untouched and no temporary file is left. */
export async function replaceFile(path: string, content: string | Uint8Array, options: ReplaceOptions = {}): Promise<void> {
  const temporary = temporaryBeside(path);
  try {
    const handle = await open(temporary, 'w', options.mode);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  syncFolderSync(path);
}

/**
 * Writes a file that must not exist yet (EEXIST otherwise, nothing written), synced to disk with
 * its folder entry: records that are never rewritten, such as the project's version files.
 */
export async function createFile(path: string, content: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(path, { force: true });
    throw error;
  }
  await handle.close();
  syncFolderSync(path);
}

/** The same as replaceFile, synchronously (small stores written on the main thread between two events). */
export function replaceFileSync(path: string, content: string | Uint8Array, options: ReplaceOptions = {}): void {
  const temporary = temporaryBeside(path);
  try {
    const fd = openSync(temporary, 'w', options.mode);
    try {
      writeFileSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  syncFolderSync(path);
}
