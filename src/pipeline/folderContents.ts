/**
 * Reading a user's folder, the parts that need no file system (shared by the browser and `lucid`):
 * recognising images by their first bytes, not their names, and parsing caption files.
 */

/** Image formats the encoder can decode, by file signature. */
export type ImageType = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp';

/** The image type of a file's first bytes, or null when it is not an image we read. */
export function sniffImageType(head: Uint8Array): ImageType | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'gif';
  if (
    starts(0x52, 0x49, 0x46, 0x46) &&
    head[8] === 0x57 &&
    head[9] === 0x45 &&
    head[10] === 0x42 &&
    head[11] === 0x50
  ) {
    return 'webp';
  }
  if (starts(0x42, 0x4d)) return 'bmp';
  return null;
}

/** A file's name without folders and extension ("a/b/dog.png" → "dog"). */
export function stem(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * Captions from `captions.jsonl`: one `{"file": "dog.png", "caption": "a dog"}` per line (also
 * accepted: "image" for "file", "text" for "caption"). Bad lines are reported, not fatal.
 * @returns captions by file name (without folders), and a message per rejected line
 */
export function parseCaptionsJsonl(text: string): { captions: Map<string, string>; problems: string[] } {
  const captions = new Map<string, string>();
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const row = JSON.parse(line) as Record<string, unknown>;
      const file = row.file ?? row.image;
      const caption = row.caption ?? row.text;
      if (typeof file !== 'string' || typeof caption !== 'string') throw new Error('needs "file" and "caption"');
      captions.set(file.split(/[\\/]/).pop()!, caption.trim());
    } catch (error) {
      problems.push(
        `captions.jsonl line ${i + 1}: ${error instanceof SyntaxError ? 'not valid JSON' : (error as Error).message}`,
      );
    }
  });
  return { captions, problems };
}

/**
 * Captions from `captions.csv`: a header naming a file column ("file" or "image") and a caption column
 * ("caption" or "text"); fields may be double-quoted with "" for a quote.
 */
export function parseCaptionsCsv(text: string): { captions: Map<string, string>; problems: string[] } {
  const rows = parseCsv(text);
  const captions = new Map<string, string>();
  const problems: string[] = [];
  const header = (rows.shift() ?? []).map((h) => h.trim().toLowerCase());
  const fileColumn = header.findIndex((h) => h === 'file' || h === 'image');
  const captionColumn = header.findIndex((h) => h === 'caption' || h === 'text');
  if (fileColumn < 0 || captionColumn < 0) {
    return { captions, problems: ['captions.csv needs a header with "file" and "caption" columns'] };
  }
  rows.forEach((row, i) => {
    if (row.length === 1 && !row[0].trim()) return;
    const file = row[fileColumn];
    const caption = row[captionColumn];
    if (!file || caption === undefined) problems.push(`captions.csv row ${i + 2}: missing file or caption`);
    else captions.set(file.split(/[\\/]/).pop()!, caption.trim());
  });
  return { captions, problems };
}

/** RFC 4180-style CSV: commas, double quotes, "" escapes, CRLF or LF line ends. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
