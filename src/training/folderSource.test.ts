import { describe, expect, it } from 'vitest';
import { filesFromInput, folderName } from './folderSource';

function fileAt(relative: string): File {
  const file = new File(['x'], relative.split('/').pop()!);
  Object.defineProperty(file, 'webkitRelativePath', { value: relative });
  return file;
}

describe('folder input', () => {
  it('drops the chosen folder name from relative paths, keeping subfolders', () => {
    const files = [fileAt('photos/dog.png'), fileAt('photos/pets/cat.png')];
    expect(filesFromInput(files).map((f) => f.path)).toEqual(['dog.png', 'pets/cat.png']);
    expect(folderName(files)).toBe('photos');
  });

  it('falls back to the file name without a relative path', () => {
    expect(filesFromInput([new File(['x'], 'a.png')]).map((f) => f.path)).toEqual(['a.png']);
  });
});
