import { describe, expect, it } from 'vitest';
import { parseCaptionsCsv, parseCaptionsJsonl, sniffImageType, stem } from './folderContents';

describe('sniffImageType', () => {
  it('recognises images by their first bytes, whatever the name', () => {
    expect(sniffImageType(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe('png');
    expect(sniffImageType(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0))).toBe('jpeg');
    expect(sniffImageType(new TextEncoder().encode('GIF89a'))).toBe('gif');
    expect(sniffImageType(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('webp');
  });
  it('rejects text, empty files and truncated signatures', () => {
    expect(sniffImageType(new TextEncoder().encode('hello, I am a .png'))).toBeNull();
    expect(sniffImageType(new Uint8Array(0))).toBeNull();
    expect(sniffImageType(Uint8Array.of(0x89, 0x50))).toBeNull();
  });
});

describe('caption files', () => {
  it('reads captions.jsonl and reports bad lines without failing', () => {
    const { captions, problems } = parseCaptionsJsonl(
      '{"file": "pets/dog.png", "caption": " a dog "}\nnot json\n{"image": "cat.png", "text": "a cat"}\n{"file": 3}\n',
    );
    expect(Object.fromEntries(captions)).toEqual({ 'dog.png': 'a dog', 'cat.png': 'a cat' });
    expect(problems).toEqual([
      'captions.jsonl line 2: not valid JSON',
      'captions.jsonl line 4: needs "file" and "caption"',
    ]);
  });
  it('reads captions.csv with quotes, commas and CRLF', () => {
    const { captions, problems } = parseCaptionsCsv(
      'file,caption\r\ndog.png,"a dog, running"\r\ncat.png,"say ""meow"""\r\n',
    );
    expect(Object.fromEntries(captions)).toEqual({ 'dog.png': 'a dog, running', 'cat.png': 'say "meow"' });
    expect(problems).toEqual([]);
  });
  it('names a CSV without the needed columns', () => {
    expect(parseCaptionsCsv('name,words\na,b\n').problems[0]).toMatch(/needs a header/);
  });
  it('strips folders and extensions for sidecar lookup', () => {
    expect(stem('a/b/dog.final.png')).toBe('dog.final');
    expect(stem('noext')).toBe('noext');
  });
});
