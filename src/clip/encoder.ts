import {
  AutoProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  PreTrainedTokenizer,
  RawImage,
  SiglipTextModel,
  SiglipVisionModel,
  Tensor,
  type Processor,
  type PreTrainedModel,
} from '@huggingface/transformers';
import { type ModelFamily, findCatalogEntry } from './catalog';
import { MAX_IMAGE_SIDE, checkImageBytes, imageTypeName } from '../pipeline/imageHeader';
import { ClipInputError, ClipLoadError } from './errors';
import { isFunctionToken } from './functionWords';

/** One image as the vision tower sees it. */
export interface ImageActivations {
  /** Patch grid [rows, cols]. */
  grid: [number, number];
  /** Width d_v of each patch vector. */
  width: number;
  /** Last hidden state of every patch, CLS removed, row-major [rows·cols, d_v]. */
  patches: Float32Array;
  /** Pooled, projected image embedding [projection_dim]. */
  embedding: Float32Array;
  /**
   * Every patch's projected embedding (visual_projection(post_layernorm(patch))), CLS removed,
   * row-major [rows·cols, projection_dim], in the text embedding's space; for the raw patch–text cosine
   * baseline. Only from a vision graph with a `patch_embeds` output (the embedded Emoji-CLIP, see
   * tools/emoji-clip/add_patch_embeds.py); undefined otherwise (hub models).
   */
  patchEmbeds?: Float32Array;
}

/** One text as the text tower sees it. */
export interface TextActivations {
  /** Token strings, special tokens included, in order. */
  tokens: string[];
  ids: number[];
  /** Width d_t of each token vector. */
  width: number;
  /** Last hidden state of every token, row-major [tokens, d_t]. */
  hidden: Float32Array;
  /** 1 for a content token (not BOS/EOS/padding, not punctuation alone), else 0 [tokens]. */
  contentMask: Uint8Array;
  /** Pooled, projected text embedding [projection_dim]. */
  embedding: Float32Array;
}

export interface EncoderInfo {
  id: string;
  family: ModelFamily;
  grid: [number, number];
  imageSize: number;
  dImage: number;
  dText: number;
  /** Most tokens a text may have, special tokens included. */
  maxTextTokens: number;
  /** ONNX Runtime execution device actually requested. */
  device: 'webgpu' | 'wasm' | 'cpu';
}

export interface ClipEncoder {
  info: EncoderInfo;
  /** Encodes a decoded image (resized and cropped by the model's processor). */
  encodeImage(image: RawImage): Promise<ImageActivations>;
  /** The processor's pixel values for an image [3, size, size] (resized, cropped, normalised). */
  preprocess(image: RawImage): Promise<Float32Array>;
  /** Encodes already-preprocessed pixel values [3, size, size] (for exact cross-runtime checks). */
  encodePixels(pixels: Float32Array): Promise<ImageActivations>;
  encodeText(text: string): Promise<TextActivations>;
  dispose(): Promise<void>;
}

export interface LoadOptions {
  device?: 'webgpu' | 'wasm' | 'cpu';
  revision?: string;
  /** Called with transformers.js progress events (file, loaded, total, status). */
  onProgress?: (event: { status: string; file?: string; loaded?: number; total?: number }) => void;
}

/**
 * Loads a CLIP-family model (vision and text towers, processor and tokenizer) through transformers.js.
 * Where the files come from (local folder or hub) is set beforehand with `configureClipEnvironment`.
 */
export async function loadClipEncoder(id: string, options: LoadOptions = {}): Promise<ClipEncoder> {
  const device = options.device ?? 'cpu';
  const common = {
    revision: options.revision ?? findCatalogEntry(id)?.revision ?? 'main',
    progress_callback: options.onProgress as never,
  };
  const modelOptions = { ...common, dtype: 'fp32' as const, device };
  let parts: [Processor, PreTrainedTokenizer, PreTrainedModel, PreTrainedModel, ModelFamily];
  try {
    const processor = await AutoProcessor.from_pretrained(id, common);
    const tokenizer = await AutoTokenizer.from_pretrained(id, common);
    const family = familyOf((processor as unknown as { config?: { image_processor_type?: string } }).config);
    const [vision, text] =
      family === 'siglip'
        ? await Promise.all([
            SiglipVisionModel.from_pretrained(id, modelOptions),
            SiglipTextModel.from_pretrained(id, modelOptions),
          ])
        : await Promise.all([
            CLIPVisionModelWithProjection.from_pretrained(id, modelOptions),
            CLIPTextModelWithProjection.from_pretrained(id, modelOptions),
          ]);
    parts = [processor, tokenizer, vision, text, family];
  } catch (error) {
    throw new ClipLoadError(`could not load model "${id}": ${describeLoadError(error)}`);
  }
  return makeEncoder(id, device, ...parts);
}

function familyOf(config: { image_processor_type?: string } | undefined): ModelFamily {
  return config?.image_processor_type?.toLowerCase().includes('siglip') ? 'siglip' : 'clip';
}

function describeLoadError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const missing = /Could not locate file: "?([^"]+)"?/.exec(message);
  if (missing) return `the model folder has no ${missing[1].split('/').slice(-2).join('/')}`;
  return message;
}

async function makeEncoder(
  id: string,
  device: EncoderInfo['device'],
  processor: Processor,
  tokenizer: PreTrainedTokenizer,
  vision: PreTrainedModel,
  text: PreTrainedModel,
  family: ModelFamily,
): Promise<ClipEncoder> {
  const visionConfig =
    (vision.config as unknown as { vision_config?: VisionConfig } & VisionConfig).vision_config ??
    (vision.config as unknown as VisionConfig);
  const imageSize = visionConfig.image_size;
  const side = Math.floor(imageSize / visionConfig.patch_size);
  const grid: [number, number] = [side, side];
  const idToToken = new Map<number, string>();
  for (const [token, tokenId] of tokenizer.get_vocab() as Map<string, number>) idToToken.set(tokenId, token);
  const specialIds = new Set<number>(tokenizer.all_special_ids as number[]);
  const maxTextTokens = Math.min(tokenizer.model_max_length ?? 77, 4096);

  async function runVision(pixelValues: Tensor): Promise<ImageActivations> {
    const output = await vision({ pixel_values: pixelValues });
    const hidden = output.last_hidden_state as Tensor;
    const pooled = (output.image_embeds ?? output.pooler_output) as Tensor;
    const [, tokens, width] = hidden.dims;
    const patchCount = grid[0] * grid[1];
    // CLIP prepends a CLS token; SigLIP has none.
    const skip = tokens - patchCount;
    if (skip !== 0 && skip !== 1) {
      throw new ClipLoadError(`vision output has ${tokens} tokens, which does not fit a ${grid[0]}×${grid[1]} grid`);
    }
    const data = hidden.data as Float32Array;
    const result: ImageActivations = {
      grid,
      width,
      patches: data.slice(skip * width, (skip + patchCount) * width),
      embedding: Float32Array.from(pooled.data as Float32Array),
    };
    const projected = output.patch_embeds as Tensor | undefined;
    if (projected) {
      const [, projectedTokens, projectionDim] = projected.dims;
      if (projectedTokens !== tokens) {
        throw new ClipLoadError(
          `vision output patch_embeds has ${projectedTokens} tokens, last_hidden_state ${tokens}`,
        );
      }
      result.patchEmbeds = (projected.data as Float32Array).slice(
        skip * projectionDim,
        (skip + patchCount) * projectionDim,
      );
      projected.dispose();
    }
    hidden.dispose();
    pooled.dispose();
    return result;
  }

  async function pixelTensor(image: RawImage): Promise<Tensor> {
    if (image.width > MAX_IMAGE_SIDE || image.height > MAX_IMAGE_SIDE) {
      throw new ClipInputError(
        `image is ${image.width}×${image.height} pixels; the largest side the app accepts is ${MAX_IMAGE_SIDE}`,
      );
    }
    if (image.width < 1 || image.height < 1) throw new ClipInputError('image has no pixels');
    const { pixel_values: pixelValues } = await processor(image.rgb());
    return pixelValues as Tensor;
  }

  return {
    info: {
      id,
      family,
      grid,
      imageSize,
      dImage: visionConfig.hidden_size,
      dText:
        (text.config as unknown as { text_config?: { hidden_size: number }; hidden_size: number }).text_config
          ?.hidden_size ?? (text.config as unknown as { hidden_size: number }).hidden_size,
      maxTextTokens,
      device,
    },
    async encodeImage(image) {
      return runVision(await pixelTensor(image));
    },
    async preprocess(image) {
      const pixels = await pixelTensor(image);
      const values = Float32Array.from(pixels.data as Float32Array);
      pixels.dispose();
      return values;
    },
    async encodePixels(pixels) {
      const expected = 3 * imageSize * imageSize;
      if (pixels.length !== expected) {
        throw new ClipInputError(`pixel values must hold 3×${imageSize}×${imageSize} = ${expected} numbers`);
      }
      return runVision(new Tensor('float32', Float32Array.from(pixels), [1, 3, imageSize, imageSize]));
    },
    async encodeText(input) {
      const trimmed = input.trim();
      if (!trimmed) throw new ClipInputError('text is empty');
      const encoded = tokenizer(trimmed, { padding: family === 'siglip' ? 'max_length' : false, truncation: false });
      const ids = Array.from(encoded.input_ids.data as BigInt64Array, Number);
      if (ids.length > maxTextTokens) {
        throw new ClipInputError(
          `text has ${ids.length} tokens; this model reads at most ${maxTextTokens}. Shorten it and try again`,
        );
      }
      const output = await text({ input_ids: encoded.input_ids });
      const hidden = output.last_hidden_state as Tensor;
      const pooled = (output.text_embeds ?? output.pooler_output) as Tensor;
      const width = hidden.dims[2];
      const tokens = ids.map((tokenId) => idToToken.get(tokenId) ?? `[${tokenId}]`);
      // Content tokens take part in alignment and in the views' rankings: not special tokens,
      // punctuation or function words (src/clip/functionWords.ts, one list for both).
      const contentMask = Uint8Array.from(ids, (tokenId, i) =>
        specialIds.has(tokenId) || !/[\p{L}\p{N}]/u.test(tokens[i]) || isFunctionToken(tokens, i) ? 0 : 1,
      );
      const result: TextActivations = {
        tokens,
        ids,
        width,
        hidden: Float32Array.from(hidden.data as Float32Array),
        contentMask,
        embedding: Float32Array.from(pooled.data as Float32Array),
      };
      hidden.dispose();
      pooled.dispose();
      return result;
    },
    async dispose() {
      await Promise.all([vision.dispose(), text.dispose()]);
    },
  };
}

interface VisionConfig {
  image_size: number;
  patch_size: number;
  hidden_size: number;
}

/**
 * Decodes an image file's bytes. The header is checked first (`checkImageBytes`: format, size limit,
 * truncation), so a bad file is named without being handed to a decoder and a 12000×12000 image never
 * allocates its pixels; any other decoder failure is a ClipInputError naming the file too.
 * EXIF orientation is applied: by `createImageBitmap` in the browser (its default `imageOrientation`
 * is "from-image"), by sharp's `rotate()` in Node (transformers.js calls it before reading pixels).
 * Animated GIF and WebP give their first frame. SVG is refused (see docs/robustness.md).
 * @param name shown in the message (file name)
 */
export async function decodeImage(bytes: Blob, name: string): Promise<RawImage> {
  const check = checkImageBytes(new Uint8Array(await bytes.arrayBuffer()), true);
  if (!check.ok) throw new ClipInputError(`${name}: ${check.problem}`);
  const { type, components } = check.header;
  try {
    return await RawImage.fromBlob(bytes);
  } catch {
    const cmyk = type === 'jpeg' && components === 4;
    throw new ClipInputError(
      cmyk
        ? `${name}: this CMYK JPEG could not be decoded here: save it as an RGB JPEG or PNG`
        : `${name}: the ${imageTypeName(type)} could not be decoded (corrupt image data)`,
    );
  }
}

/**
 * A text's activations; a text longer than the text tower reads loses words from its end until it
 * fits (for generated captions and label phrases, never for what a user types).
 */
export async function encodeTextFitting(encoder: ClipEncoder, text: string): Promise<TextActivations> {
  let words = text.split(' ');
  for (;;) {
    try {
      return await encoder.encodeText(words.join(' '));
    } catch (error) {
      if (!(error instanceof ClipInputError) || words.length <= 1) throw error;
      words = words.slice(0, -1);
    }
  }
}
