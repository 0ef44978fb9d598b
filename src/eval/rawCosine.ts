/**
 * The "raw CLIP" baseline heatmap: for a word, each patch's cosine between its projected embedding
 * (`ImageActivations.patchEmbeds`, visual_projection(post_layernorm(patch))) and the word's pooled,
 * projected text embedding (`TextActivations.embedding`). No dictionary is involved.
 */

/**
 * Cosine of each patch row with the text embedding [patches]; a zero-norm row or text gives 0.
 * @param patchEmbeds row-major [patches, projection_dim]
 * @param textEmbedding [projection_dim]
 */
export function rawCosineHeat(patchEmbeds: Float32Array, patches: number, textEmbedding: Float32Array): Float32Array {
  const dim = textEmbedding.length;
  if (patchEmbeds.length !== patches * dim) {
    throw new RangeError(
      `patch embeddings hold ${patchEmbeds.length} numbers, expected ${patches} patches × ${dim} (the text embedding's width)`,
    );
  }
  let textNorm = 0;
  for (let k = 0; k < dim; k++) textNorm += textEmbedding[k] * textEmbedding[k];
  textNorm = Math.sqrt(textNorm);
  const heat = new Float32Array(patches);
  for (let p = 0; p < patches; p++) {
    let dot = 0;
    let norm = 0;
    for (let k = 0; k < dim; k++) {
      const v = patchEmbeds[p * dim + k];
      dot += v * textEmbedding[k];
      norm += v * v;
    }
    const denominator = Math.sqrt(norm) * textNorm;
    heat[p] = denominator > 0 ? dot / denominator : 0;
  }
  return heat;
}
