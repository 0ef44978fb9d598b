/** Turning what the page's folder pickers give into FolderFiles (paths relative to the chosen folder). */
import type { FolderFile } from './folderPlan';

/**
 * Files of an `<input webkitdirectory>`: `webkitRelativePath` starts with the chosen folder's own
 * name ("photos/pets/dog.png"), which is dropped.
 */
export function filesFromInput(files: Iterable<File>): FolderFile[] {
  return Array.from(files, (file) => {
    const relative = file.webkitRelativePath || file.name;
    const slash = relative.indexOf('/');
    return { path: slash >= 0 ? relative.slice(slash + 1) : relative, file };
  });
}

/** The chosen folder's name, from the first file of an `<input webkitdirectory>`. */
export function folderName(files: Iterable<File>): string {
  for (const file of files) return (file.webkitRelativePath || file.name).split('/')[0];
  return '';
}

/** Minimal File System Access types (not in TypeScript's DOM library for every target yet). */
interface DirectoryHandle {
  name: string;
  kind: 'directory';
  values(): AsyncIterable<DirectoryHandle | { kind: 'file'; name: string; getFile(): Promise<File> }>;
}

/** Whether `showDirectoryPicker` (File System Access API) exists here. */
export function hasDirectoryPicker(): boolean {
  return typeof window !== 'undefined' && 'showDirectoryPicker' in window;
}

/** Asks for a folder with `showDirectoryPicker` and lists it recursively (files are read lazily). */
export async function pickDirectory(): Promise<{ name: string; files: FolderFile[] }> {
  const picker = (window as unknown as { showDirectoryPicker(options?: object): Promise<DirectoryHandle> })
    .showDirectoryPicker;
  const root = await picker({ mode: 'read' });
  const files: FolderFile[] = [];
  async function walk(directory: DirectoryHandle, prefix: string): Promise<void> {
    for await (const entry of directory.values()) {
      if (entry.kind === 'directory') await walk(entry, `${prefix}${entry.name}/`);
      else files.push({ path: `${prefix}${entry.name}`, file: await entry.getFile() });
    }
  }
  await walk(root, '');
  return { name: root.name, files };
}
