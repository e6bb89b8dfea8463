/**
 * Replacing a file so that readers (and a crash) see either the old contents or the new, never a
 * mix: write a temporary file beside the target, flush it to disk, then rename it over the target
 * (rename within one directory is atomic on POSIX file systems and on NTFS). Node only; the
 * modules are imported when called so that browser bundles never resolve `node:fs`.
 */

/** Writes `data` to `path` atomically; on any failure the previous file is left as it was. */
export async function writeFileAtomic(path: string | URL, data: string | Uint8Array): Promise<void> {
  const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
  const nodePath = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:path');
  const { fileURLToPath } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:url');
  const target = typeof path === 'string' ? path : fileURLToPath(path);
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
