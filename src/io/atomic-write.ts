/**
 * Replacing a file so that readers (and a crash) see either the old contents or the new, never a
 * mix: write a temporary file beside the target, flush it to disk, then rename it over the target
 * (rename within one directory is atomic on POSIX file systems and on NTFS). Node only; the
 * modules are imported when called so that browser bundles never resolve `node:fs`.
 */

import { describe } from './describe.js';

/**
 * The file path that `path` names, checked before anything is written: a non-empty string or a
 * file: URL (else a message starting with `name`, the argument as the caller calls it), and not a
 * directory. Without the check an empty path wrote its temporary file into the parent of the
 * working directory and failed with "cannot write : ENOENT", and a directory failed at the rename
 * with EISDIR, after the temporary file was written.
 */
export async function checkTargetPath(path: unknown, name: string): Promise<string> {
  const { fileURLToPath } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:url');
  const expected = `${name} must be a file path (a non-empty string) or a file: URL`;
  let target: string;
  if (typeof path === 'string' && path !== '') target = path;
  else if (path instanceof URL && path.protocol === 'file:') target = fileURLToPath(path);
  else throw new TypeError(`${expected}, got ${path instanceof URL ? path.href : describe(path)}`);
  const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
  const isDirectory = await fs.stat(target).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (isDirectory) {
    const nodePath = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:path');
    throw new TypeError(
      `cannot write ${target}: it is a directory; name a file in it, such as ${nodePath.join(target, 'model.json')}; the previous file (if any) is unchanged`,
    );
  }
  return target;
}

/** Writes `data` to `path` atomically; on any failure the previous file is left as it was. */
export async function writeFileAtomic(path: string | URL, data: string | Uint8Array): Promise<void> {
  const target = await checkTargetPath(path, 'path');
  const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
  const nodePath = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:path');
  const dir = nodePath.dirname(nodePath.resolve(target));
  // The process id and a random suffix keep concurrent writers of the same target apart.
  const temp = nodePath.join(dir, `.${nodePath.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  let handle: Awaited<ReturnType<typeof fs.open>> | null = null;
  try {
    handle = await fs.open(temp, 'wx');
    await handle.writeFile(data);
    // Without the flush, a power cut after the rename can leave the new name pointing at no data.
    await handle.sync();
    await handle.close();
    handle = null;
    await fs.rename(temp, target);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw new Error(`cannot write ${target}: ${(e as Error).message}; the previous file (if any) is unchanged`, { cause: e });
  }
  // Make the rename itself durable; not every platform lets a directory be opened and flushed.
  try {
    const d = await fs.open(dir, 'r');
    await d.sync().finally(() => d.close());
  } catch {
    /* best effort */
  }
}
