import { describe, expect, it } from 'vitest';
import { modelView, modelViewNotice, preprocessingOf } from './modelView';

const emojiClip = preprocessingOf({ family: 'clip', imageSize: 96 });

describe('what the model sees of an image', () => {
  it('cuts the top and bottom of a tall image: a 97×208 dog loses over half its height', () => {
    // 97×208 → 96×205 (shortest edge 96), then the centre 96×96: 109 of 205 rows cut.
    const view = modelView(97, 208, emojiClip);
    expect(view.kind).toBe('cropped');
    if (view.kind !== 'cropped') return;
    expect(view.cutWidth).toBe(0);
    expect(view.cutHeight).toBeCloseTo(109 / 205, 6);
    expect(modelViewNotice(view)).toBe(
      'Cropped: the model sees the centre square; 53% of the height (27% at the top and at the bottom) is cut off.',
    );
  });

  it('cuts the left and right of a wide image', () => {
    const view = modelView(400, 200, preprocessingOf({ family: 'clip', imageSize: 224 }));
    expect(view).toEqual({ kind: 'cropped', cutWidth: 0.5, cutHeight: 0 });
    expect(modelViewNotice(view)).toContain('at the left and at the right');
  });

  it('says nothing for a square image, of any size, or one pixel of rounding off square', () => {
    expect(modelView(512, 512, emojiClip)).toEqual({ kind: 'whole' });
    expect(modelView(100, 101, emojiClip)).toEqual({ kind: 'whole' });
    expect(modelViewNotice({ kind: 'whole' })).toBeNull();
  });

  it('says a SigLIP model squashes a wide image instead of cropping it', () => {
    const siglip = preprocessingOf({ family: 'siglip', imageSize: 224 });
    expect(modelView(300, 100, siglip)).toEqual({ kind: 'squashed', width: 224, height: 224 });
    expect(modelView(50, 50, siglip)).toEqual({ kind: 'whole' });
  });

  it('says when a crop larger than the resized image pads it', () => {
    const view = modelView(100, 100, { kind: 'centreCrop', shortestEdge: 80, cropWidth: 100, cropHeight: 100 });
    expect(view).toEqual({ kind: 'padded', padWidth: expect.closeTo(0.2), padHeight: expect.closeTo(0.2) });
  });
});
