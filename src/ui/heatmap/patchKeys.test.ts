import { describe, expect, it } from 'vitest';
import { patchAfterKey, patchPosition } from './patchKeys';

/** 3 rows of 4: patch 6 is row 1, column 2 (0-based). */
const grid: [number, number] = [3, 4];

describe('patch grid keys', () => {
  it('steps one patch with the arrows, across rows by whole columns', () => {
    expect(patchAfterKey(6, 'ArrowLeft', grid)).toBe(5);
    expect(patchAfterKey(6, 'ArrowRight', grid)).toBe(7);
    expect(patchAfterKey(6, 'ArrowUp', grid)).toBe(2);
    expect(patchAfterKey(6, 'ArrowDown', grid)).toBe(10);
  });

  it('stops at the edges instead of wrapping to the next row', () => {
    expect(patchAfterKey(7, 'ArrowRight', grid)).toBe(7);
    expect(patchAfterKey(4, 'ArrowLeft', grid)).toBe(4);
    expect(patchAfterKey(1, 'ArrowUp', grid)).toBe(1);
    expect(patchAfterKey(9, 'ArrowDown', grid)).toBe(9);
  });

  it('goes to the row’s ends with Home and End, to the grid’s corners with Ctrl', () => {
    expect(patchAfterKey(6, 'Home', grid)).toBe(4);
    expect(patchAfterKey(6, 'End', grid)).toBe(7);
    expect(patchAfterKey(6, 'Home', grid, true)).toBe(0);
    expect(patchAfterKey(6, 'End', grid, true)).toBe(11);
  });

  it('leaves other keys to the page', () => {
    expect(patchAfterKey(6, 'Tab', grid)).toBeNull();
    expect(patchAfterKey(6, 'Enter', grid)).toBeNull();
  });

  it('names a patch by its 1-based row and column', () => {
    expect(patchPosition(6, grid)).toBe('row 2, column 3');
    expect(patchPosition(11, grid)).toBe('row 3, column 4');
  });
});
