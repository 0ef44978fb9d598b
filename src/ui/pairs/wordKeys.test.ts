import { describe, expect, it } from 'vitest';
import { wordAfterKey } from './wordKeys';

/** "<start> a dog and a pizza <end>": only "dog" (2) and "pizza" (5) are aligned. */
const mask = Uint8Array.from([0, 0, 1, 0, 0, 1, 0]);

describe('caption word keys', () => {
  it('moves to the next and previous aligned word, skipping the others', () => {
    expect(wordAfterKey(mask, 2, 'ArrowRight')).toBe(5);
    expect(wordAfterKey(mask, 5, 'ArrowLeft')).toBe(2);
    expect(wordAfterKey(mask, 2, 'ArrowDown')).toBe(5);
    expect(wordAfterKey(mask, 5, 'ArrowUp')).toBe(2);
  });

  it('stops at the ends', () => {
    expect(wordAfterKey(mask, 5, 'ArrowRight')).toBeNull();
    expect(wordAfterKey(mask, 2, 'ArrowLeft')).toBeNull();
  });

  it('jumps to the first and last aligned word with Home and End', () => {
    expect(wordAfterKey(mask, 5, 'Home')).toBe(2);
    expect(wordAfterKey(mask, 2, 'End')).toBe(5);
    expect(wordAfterKey(Uint8Array.from([0, 0]), 0, 'Home')).toBeNull();
  });

  it('leaves Tab, Enter and letters to the buttons and the page', () => {
    expect(wordAfterKey(mask, 2, 'Tab')).toBeNull();
    expect(wordAfterKey(mask, 2, 'Enter')).toBeNull();
  });
});
