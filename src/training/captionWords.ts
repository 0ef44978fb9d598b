/**
 * The words of the run's captions that may name a latent: lowercase, function words dropped, and
 * (on a large enough set) without the words most captions share. Read by `relabelDictionary`.
 */

/** Fewer captioned images than this: every caption word may name a latent (see `distinctiveWords`). */
const MIN_CAPTIONS_TO_FILTER = 4;

/**
 * Function words that captions are full of; they are neither vocabulary terms nor names for an
 * image-private latent (the build took its words from emoji labels and tags, which have none).
 */
const STOP_WORDS = new Set(
  (
    'a an the and or but nor of in on at to from by with without into onto over under above below ' +
    'near behind between beside next for as is are was were be been being has have had do does did ' +
    'it its this that these those there here his her hers their theirs our ours my mine your yours ' +
    'he she they we you i me him them us who whom which what where when while than then so very ' +
    'some any each every no not also just too can could will would shall should may might must'
  ).split(' '),
);

/** Lowercase words of a caption, function words dropped. */
export function captionWords(caption: string): string[] {
  return (caption.toLowerCase().match(/[a-z][a-z'-]*[a-z]|[a-z]/g) ?? []).filter((w) => !STOP_WORDS.has(w));
}

/**
 * Each image's words for naming image-private latents, without the words that more than half of the
 * captioned images share ("face" in "a dog face", "a cat face", …) when at least
 * `MIN_CAPTIONS_TO_FILTER` images have captions. `interpretDictionary` names such a latent by the
 * most frequent word under its top patches, with no base rate: on a small or uniform set a word
 * common to every caption would name every broad latent. The build's 300 reference pairs have no
 * such word.
 */
export function distinctiveWords(imageWords: readonly string[][]): string[][] {
  const sets = imageWords.map((words) => new Set(words));
  const captioned = sets.filter((s) => s.size > 0).length;
  if (captioned < MIN_CAPTIONS_TO_FILTER) return imageWords.map((words) => [...words]);
  const count = new Map<string, number>();
  for (const s of sets) for (const w of s) count.set(w, (count.get(w) ?? 0) + 1);
  return imageWords.map((words) => words.filter((w) => (count.get(w) ?? 0) * 2 <= captioned));
}
