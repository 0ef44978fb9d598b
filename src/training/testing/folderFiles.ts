import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { FolderFile } from '../folderPlan';

/** Every file under `root`, recursively, as the folder pickers give them (path relative to `root`). */
export async function readFolderFiles(root: string): Promise<FolderFile[]> {
  const out: FolderFile[] = [];
  async function walk(dir: string, prefix: string) {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full, `${prefix}${entry.name}/`);
      else out.push({ path: `${prefix}${entry.name}`, file: new Blob([new Uint8Array(await readFile(full))]) });
    }
  }
  await walk(root, '');
  return out;
}
