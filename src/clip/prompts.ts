/**
 * "a"/"an" + label: how a concept's name is read as a caption (the template of the Emoji-CLIP model
 * card's zero-shot numbers and of `lucid eval`); flags and keycaps keep their "flag: …" form.
 */
export function labelPhrase(label: string): string {
  if (/^(flag|keycap):/i.test(label)) return `a ${label}`;
  return /^[aeiou]/i.test(label) ? `an ${label}` : `a ${label}`;
}
