/**
 * What part of an image the model sees, from the image's size and how the model's processor makes
 * its square input. transformers.js's CLIPImageProcessor (`image_processors_utils.js`) resizes so
 * the shortest edge is `size.shortest_edge` (keeping the aspect ratio, sides floored), then centre
 * crops `crop_size`: a tall image loses its top and bottom, a wide one its left and right side.
 * SigLIP's processor resizes to `size` {width, height} directly: nothing is cut, the image is squashed.
 */
import type { ModelFamily } from '../../clip/catalog';
import type { EncoderInfo } from '../../clip/encoder';

export type Preprocessing =
  | { kind: 'centreCrop'; shortestEdge: number; cropWidth: number; cropHeight: number }
  | { kind: 'squash'; width: number; height: number };

/**
 * The processor of a loaded model, from its family and input size (every catalog model's
 * preprocessor_config.json has shortest_edge = crop_size = image_size for CLIP, size = image_size
 * for SigLIP).
 */
export function preprocessingOf(info: Pick<EncoderInfo, 'family' | 'imageSize'>): Preprocessing {
  const size = info.imageSize;
  const byFamily: Record<ModelFamily, Preprocessing> = {
    clip: { kind: 'centreCrop', shortestEdge: size, cropWidth: size, cropHeight: size },
    siglip: { kind: 'squash', width: size, height: size },
  };
  return byFamily[info.family];
}

/** What the model's input holds of an image. */
export type ModelView =
  | { kind: 'whole' }
  /** Shares of the width and of the height cut off, in [0, 1), half on each side. */
  | { kind: 'cropped'; cutWidth: number; cutHeight: number }
  /** Shares of the input's width and height that are padding (black), half on each side. */
  | { kind: 'padded'; padWidth: number; padHeight: number }
  | { kind: 'squashed'; width: number; height: number };

/** Cuts smaller than this share (a pixel of rounding) are not worth a notice. */
const NEGLIGIBLE_SHARE = 0.005;

/** What the model sees of a `width`×`height` image. */
export function modelView(width: number, height: number, preprocessing: Preprocessing): ModelView {
  if (preprocessing.kind === 'squash') {
    const same = Math.abs(width / height - preprocessing.width / preprocessing.height) < NEGLIGIBLE_SHARE;
    return same ? { kind: 'whole' } : { kind: 'squashed', width: preprocessing.width, height: preprocessing.height };
  }
  const scale = preprocessing.shortestEdge / Math.min(width, height);
  // As transformers.js rounds: to 2 decimals, then down.
  const resizedWidth = Math.floor(Number((width * scale).toFixed(2)));
  const resizedHeight = Math.floor(Number((height * scale).toFixed(2)));
  const cutWidth = Math.max(0, 1 - preprocessing.cropWidth / resizedWidth);
  const cutHeight = Math.max(0, 1 - preprocessing.cropHeight / resizedHeight);
  if (cutWidth >= NEGLIGIBLE_SHARE || cutHeight >= NEGLIGIBLE_SHARE) {
    return {
      kind: 'cropped',
      cutWidth: cutWidth < NEGLIGIBLE_SHARE ? 0 : cutWidth,
      cutHeight: cutHeight < NEGLIGIBLE_SHARE ? 0 : cutHeight,
    };
  }
  const padWidth = Math.max(0, 1 - resizedWidth / preprocessing.cropWidth);
  const padHeight = Math.max(0, 1 - resizedHeight / preprocessing.cropHeight);
  if (padWidth >= NEGLIGIBLE_SHARE || padHeight >= NEGLIGIBLE_SHARE) return { kind: 'padded', padWidth, padHeight };
  return { kind: 'whole' };
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** The card's notice for what the model did not see, or null when it sees the whole image. */
export function modelViewNotice(view: ModelView): string | null {
  switch (view.kind) {
    case 'whole':
      return null;
    case 'cropped': {
      const parts = [];
      if (view.cutHeight > 0) {
        parts.push(
          `${percent(view.cutHeight)} of the height (${percent(view.cutHeight / 2)} at the top and at the bottom)`,
        );
      }
      if (view.cutWidth > 0) {
        parts.push(
          `${percent(view.cutWidth)} of the width (${percent(view.cutWidth / 2)} at the left and at the right)`,
        );
      }
      return `Cropped: the model sees the centre square; ${parts.join(' and ')} is cut off.`;
    }
    case 'padded':
      return 'Padded: the model sees the whole image with black bars around it.';
    case 'squashed':
      return `Squashed: the model sees the whole image stretched to ${view.width}×${view.height}.`;
  }
}
