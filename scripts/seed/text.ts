// Plausible English for names, descriptions, reviews and comments: templates over small word lists.
import type { Random } from './random'

const FIRST_NAMES = [
  'Ada',
  'Ben',
  'Chloe',
  'Dario',
  'Elif',
  'Farah',
  'Gustav',
  'Hana',
  'Ines',
  'Jonas',
  'Keiko',
  'Liam',
  'Maya',
  'Nico',
  'Olga',
  'Priya',
  'Quentin',
  'Rosa',
  'Sami',
  'Tara',
  'Umar',
  'Vera',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zoe',
  'Aiko',
  'Bruno',
  'Carmen',
  'Dmitri',
  'Emma',
  'Felix',
  'Greta',
  'Hugo',
  'Iris',
  'Jamal',
  'Lena',
  'Marco',
  'Nora',
  'Oscar',
] as const

const LAST_NAMES = [
  'Andersen',
  'Baker',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Garcia',
  'Horvat',
  'Ito',
  'Jensen',
  'Kowalski',
  'Lopez',
  'Martin',
  'Novak',
  'Okafor',
  'Petrov',
  'Quinn',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Urban',
  'Varga',
  'Weber',
  'Xu',
  'Yilmaz',
  'Zimmer',
  'Bianchi',
  'Moreau',
  'Nakamura',
  'Silva',
] as const

const HANDLE_WORDS = [
  'quiet',
  'happy',
  'brave',
  'lucky',
  'sunny',
  'clever',
  'swift',
  'calm',
  'cosmic',
  'fuzzy',
  'jolly',
  'mellow',
  'nimble',
  'proud',
  'rapid',
  'silly',
  'snowy',
  'spicy',
  'witty',
  'zesty',
  'amber',
  'azure',
  'coral',
  'crimson',
  'golden',
  'ivory',
  'jade',
  'lilac',
  'olive',
  'ruby',
] as const

const HANDLE_ANIMALS = [
  'otter',
  'falcon',
  'panda',
  'fox',
  'lynx',
  'koala',
  'badger',
  'heron',
  'moose',
  'raven',
  'tiger',
  'walrus',
  'yak',
  'zebra',
  'beaver',
  'bison',
  'crane',
  'dingo',
  'ferret',
  'gecko',
  'hawk',
  'ibis',
  'jaguar',
  'lemur',
  'marmot',
  'newt',
  'orca',
  'puffin',
  'quokka',
  'seal',
] as const

const ADJECTIVES = [
  'Rustic',
  'Modern',
  'Vintage',
  'Handmade',
  'Compact',
  'Durable',
  'Elegant',
  'Minimalist',
  'Classic',
  'Sturdy',
  'Lightweight',
  'Cozy',
  'Bold',
  'Sleek',
  'Organic',
  'Portable',
  'Premium',
  'Everyday',
  'Artisan',
  'Nordic',
  'Coastal',
  'Urban',
  'Wireless',
  'Ergonomic',
  'Recycled',
  'Woven',
  'Hand-painted',
] as const

const MATERIALS = [
  'Oak',
  'Walnut',
  'Bamboo',
  'Linen',
  'Cotton',
  'Wool',
  'Leather',
  'Steel',
  'Copper',
  'Brass',
  'Ceramic',
  'Glass',
  'Marble',
  'Cork',
  'Canvas',
  'Denim',
  'Silk',
  'Stoneware',
  'Porcelain',
  'Birch',
  'Cedar',
  'Titanium',
  'Felt',
  'Rattan',
] as const

const PRODUCT_NOUNS = [
  'Lamp',
  'Mug',
  'Backpack',
  'Notebook',
  'Chair',
  'Kettle',
  'Blanket',
  'Headphones',
  'Teapot',
  'Wallet',
  'Vase',
  'Cutting Board',
  'Desk Organizer',
  'Planter',
  'Candle',
  'Scarf',
  'Watch',
  'Speaker',
  'Bowl',
  'Tote Bag',
  'Journal',
  'Knife Set',
  'Water Bottle',
  'Throw Pillow',
  'Rug',
  'Bookshelf',
  'Coffee Grinder',
  'Bike Light',
  'Yoga Mat',
  'Sunglasses',
  'Umbrella',
  'Apron',
  'Tray',
  'Wall Clock',
  'Mirror',
  'Keyboard',
  'Phone Stand',
  'Beanie',
  'Sneakers',
  'Tumbler',
] as const

const STORE_KINDS = [
  'Goods',
  'Supply',
  'Workshop',
  'Collective',
  'Trading Co.',
  'Studio',
  'Emporium',
  'Outfitters',
  'Market',
  'House',
  'Atelier',
  'Mercantile',
  'Provisions',
  'Depot',
  'Gallery',
  'Corner',
] as const

const SLOTS: Readonly<Record<string, readonly string[]>> = {
  product: PRODUCT_NOUNS.map((noun) => noun.toLowerCase()),
  material: MATERIALS.map((material) => material.toLowerCase()),
  timing: ['quickly', 'a day early', 'right on time', 'a week late', 'faster than expected', 'within two days'],
  verdict: [
    'I am very happy with it',
    'it does exactly what it should',
    'it exceeded my expectations',
    'it is fine, nothing special',
    'I am a little disappointed',
    'I use it every day now',
    'my partner loves it',
    'it broke after a few weeks',
  ],
  duration: ['a week', 'two weeks', 'a month', 'three months', 'half a year', 'over a year', 'a few days'],
  quality: ['excellent', 'solid', 'decent', 'mediocre', 'surprisingly good', 'outstanding', 'okay'],
  feel: ['premium', 'a bit cheap', 'sturdy', 'soft', 'heavier than expected', 'smooth', 'well finished'],
  speed: ['fast', 'slow', 'reasonable', 'lightning quick', 'a bit slow'],
  comparison: ['much better', 'slightly better', 'about the same', 'worse, sadly', 'twice as sturdy', 'lighter'],
  part: ['handle', 'lid', 'strap', 'zipper', 'cable', 'base', 'finish', 'stitching', 'button'],
  flaw: ['loose', 'flimsy', 'stiff', 'short', 'noisy', 'scratchy', 'wobbly'],
  color: ['black', 'white', 'navy', 'forest green', 'terracotta', 'sand', 'charcoal', 'mustard'],
  who: ['anyone', 'friends', 'my family', 'beginners', 'people who travel a lot', 'gift hunters'],
  thing: ['a dishwasher', 'hard water', 'a standing desk', 'kids around', 'cold weather', 'a small kitchen'],
  opinion: [
    'the price is fair',
    'the photos do not do it justice',
    'it is worth waiting for the sale',
    'customer service is great',
    'the smaller size is more practical',
  ],
  store: ['this shop', 'the seller', 'this store', 'them'],
}

const REVIEW_SENTENCES = [
  'The {product} arrived {timing} and {verdict}.',
  'I have been using it for {duration} and {verdict}.',
  'Build quality is {quality}; the {material} feels {feel}.',
  'Shipping was {speed} and the packaging was {quality}.',
  'Would recommend to {who}.',
  'Compared to my old {product}, this one is {comparison}.',
  'The seller answered my questions {timing}.',
  'Only complaint: the {part} is a bit {flaw}.',
  'The {color} one matches the photos perfectly.',
  'Worth every cent.',
  'Not worth the price, honestly.',
  'I bought a second one for {who}.',
  'Ordered from {store} twice now, {verdict}.',
] as const

const COMMENT_SENTENCES = [
  'Does anyone know if the {product} comes in {color}?',
  'Has anyone tried it with {thing}?',
  'Agreed, {opinion}.',
  'Mine has lasted {duration} so far.',
  'Thanks for the tip!',
  'I ordered one {duration} ago and it is still going strong.',
  'Same experience here.',
  'Great question, I wondered that too.',
  'The {material} version is {comparison}.',
  'Careful, the {part} can get {flaw} after {duration}.',
  'Honestly {opinion}.',
  'I asked {store} and they replied {timing}.',
  'Mine is {color} and it looks great.',
] as const

const REJECTION_REASONS = [
  'Off-topic: the review is not about this item.',
  'Contains personal information.',
  'Spam or advertising.',
  'Abusive language.',
  'Duplicate of another review.',
  'Describes a different product.',
] as const

type Template = readonly string[] // literal, slot, literal, slot, ..., literal

function compile(template: string): Template {
  return template.split(/\{(\w+)\}/)
}

const REVIEW_TEMPLATES = REVIEW_SENTENCES.map(compile)
const COMMENT_TEMPLATES = COMMENT_SENTENCES.map(compile)

function fill(random: Random, template: Template): string {
  let text = ''
  for (let i = 0; i < template.length; i++) {
    const part = template[i] as string
    if (i % 2 === 0) text += part
    else text += random.pick(SLOTS[part] ?? [part])
  }
  return text
}

function prose(random: Random, templates: readonly Template[], targetLength: number, maxLength: number): string {
  let text = fill(random, random.pick(templates))
  while (text.length < targetLength) {
    text += (random.chance(0.08) ? '\n\n' : ' ') + fill(random, random.pick(templates))
  }
  return text.length > maxLength ? text.slice(0, maxLength).trimEnd() : text
}

/** A target length drawn from buckets: [probability, min, max]. */
function lengthFrom(random: Random, buckets: readonly (readonly [number, number, number])[]): number {
  let roll = random.next()
  for (const [probability, min, max] of buckets) {
    if (roll < probability) return random.int(min, max)
    roll -= probability
  }
  const last = buckets[buckets.length - 1] as readonly [number, number, number]
  return random.int(last[1], last[2])
}

export function personName(random: Random): string {
  return `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`
}

/** A lower-case handle; uniqueness is the caller's job (it adds or changes the number). */
export function usernameCandidate(random: Random): string {
  const number = random.int(1, 9999)
  switch (random.int(0, 3)) {
    case 0:
      return `${random.pick(HANDLE_WORDS)}_${random.pick(HANDLE_ANIMALS)}${number}`
    case 1:
      return `${random.pick(FIRST_NAMES).toLowerCase()}${random.pick(LAST_NAMES).toLowerCase()}${number}`
    case 2:
      return `${random.pick(FIRST_NAMES).toLowerCase()}_${number}`
    default:
      return `${random.pick(HANDLE_ANIMALS)}${random.pick(HANDLE_ANIMALS)}${number}`
  }
}

export function merchantName(random: Random): string {
  switch (random.int(0, 2)) {
    case 0:
      return `${random.pick(LAST_NAMES)} ${random.pick(STORE_KINDS)}`
    case 1:
      return `The ${random.pick(ADJECTIVES)} ${random.pick(PRODUCT_NOUNS)}`
    default:
      return `${random.pick(MATERIALS)} & ${random.pick(MATERIALS)} ${random.pick(STORE_KINDS)}`
  }
}

export function merchantDescription(random: Random): string {
  const kinds = `${random.pick(ADJECTIVES).toLowerCase()} ${random.pick(PRODUCT_NOUNS).toLowerCase()}s`
  return `Independent shop selling ${kinds} and more, made from ${random.pick(MATERIALS).toLowerCase()}. ${prose(random, REVIEW_TEMPLATES, random.int(0, 300), 3000)}`
}

export function productName(random: Random): string {
  return `${random.pick(ADJECTIVES)} ${random.pick(MATERIALS)} ${random.pick(PRODUCT_NOUNS)}`
}

export function productDescription(random: Random, name: string): string {
  return `${name}. Made from ${random.pick(MATERIALS).toLowerCase()}, available in ${random.pick(SLOTS.color ?? ['black'])}. ${prose(random, REVIEW_TEMPLATES, random.int(0, 600), 3500)}`
}

export function reviewBody(random: Random): string {
  const target = lengthFrom(random, [
    [0.6, 20, 400],
    [0.3, 400, 1200],
    [0.1, 1200, 4000],
  ])
  return prose(random, REVIEW_TEMPLATES, target, 4000)
}

export function commentBody(random: Random): string {
  const target = lengthFrom(random, [
    [0.7, 1, 200],
    [0.25, 200, 600],
    [0.05, 600, 2000],
  ])
  return prose(random, COMMENT_TEMPLATES, target, 2000)
}

export function rejectionReason(random: Random): string {
  return random.pick(REJECTION_REASONS)
}
