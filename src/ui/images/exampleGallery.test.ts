import { describe, expect, it } from 'vitest';
import { parseReferenceIndex, pickExamples, tileCrop, type ReferencePair } from './exampleGallery';

const single = (label: string, group: number): ReferencePair => ({
  caption: `a ${label}`,
  kind: 'single',
  objects: [{ label, group }],
});
const scene = (...labels: string[]): ReferencePair => ({
  caption: labels.join(', '),
  kind: 'scene',
  objects: labels.map((label) => ({ label, group: 0 })),
});

const reference = {
  tile: 96,
  columns: 20,
  pairs: [
    single('grin', 0),
    single('smile', 0),
    single('hand', 1),
    single('poodle', 3),
    scene('drum', 'flag', 'nib'),
    scene('heart', 'cookie'),
    single('melon', 4),
    scene('panda', 'radio'),
    scene('station', 'melon'),
  ],
};

describe('example gallery', () => {
  it('takes one single emoji per group, the first of each in atlas order', () => {
    const singles = pickExamples(reference, 8, 0);
    expect(singles.map((example) => example.image)).toEqual([0, 2, 3, 6]);
    expect(singles[1]).toEqual({ image: 2, name: 'hand.png', caption: 'a hand', kind: 'single' });
  });

  it('stops at the number of singles asked for', () => {
    expect(pickExamples(reference, 2, 0).map((example) => example.image)).toEqual([0, 2]);
  });

  it('adds scenes of two objects only, after the singles', () => {
    const examples = pickExamples(reference, 1, 2);
    expect(examples.map((example) => example.image)).toEqual([0, 5, 7]);
    expect(examples[1].name).toBe('scene of heart and cookie.png');
    expect(examples[1].kind).toBe('scene');
  });

  it('crops a tile at its column and row in the atlas', () => {
    expect(tileCrop(reference, 0, 1920, 2784)).toEqual({ x: 0, y: 0, size: 96 });
    expect(tileCrop(reference, 19, 1920, 2784)).toEqual({ x: 1824, y: 0, size: 96 });
    expect(tileCrop(reference, 265, 1920, 2784)).toEqual({ x: 480, y: 1248, size: 96 });
  });

  it('refuses a tile outside the atlas rather than crop a blank', () => {
    // 29 rows of 96 px: row 28 is the last; tile 580 would be row 29.
    expect(tileCrop(reference, 561, 1920, 2784)).toEqual({ x: 96, y: 2688, size: 96 });
    expect(() => tileCrop(reference, 580, 1920, 2784)).toThrow(/outside the 1920×2784 atlas/);
    expect(() => tileCrop(reference, -1, 1920, 2784)).toThrow(/outside/);
    expect(() => tileCrop(reference, 0, 64, 64)).toThrow(/outside/);
  });

  it('reads reference.json and rejects another shape', () => {
    expect(parseReferenceIndex(reference)).toBe(reference);
    expect(parseReferenceIndex({ ...reference, tile: 0 })).toBeNull();
    expect(parseReferenceIndex({ ...reference, pairs: [{ caption: 'x', kind: 'photo', objects: [] }] })).toBeNull();
    expect(parseReferenceIndex(null)).toBeNull();
  });
});
