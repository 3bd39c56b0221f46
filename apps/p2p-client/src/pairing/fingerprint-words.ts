/**
 * 256 short, distinct English words for fingerprints (one byte each): concrete nouns that
 * are easy to say and hear, none a prefix-confusable homophone of another.
 */
export const FINGERPRINT_WORDS: readonly string[] = [
  'acid', 'acorn', 'actor', 'adobe', 'aisle', 'album', 'alert', 'alloy', 'amber', 'angle', 'ankle', 'apple',
  'apron', 'arena', 'armor', 'arrow', 'aspen', 'atlas', 'attic', 'audio', 'autumn', 'avocado', 'bacon',
  'badge', 'bagel', 'baker', 'bamboo', 'banjo', 'barn', 'basil', 'basin', 'beach', 'beacon', 'beard',
  'beetle', 'bell', 'bench', 'berry', 'bicycle', 'bishop', 'blanket', 'blossom', 'bonnet', 'border',
  'bottle', 'boulder', 'bracket', 'brass', 'bread', 'brick', 'bridge', 'bronze', 'broom', 'bubble', 'bucket',
  'buffalo', 'bugle', 'butter', 'button', 'cabin', 'cactus', 'camel', 'candle', 'canoe', 'canyon', 'carbon',
  'carpet', 'carrot', 'castle', 'cedar', 'cello', 'cereal', 'chalk', 'cherry', 'chess', 'chimney',
  'cinnamon', 'circus', 'citrus', 'clover', 'cobalt', 'cocoa', 'comet', 'compass', 'copper', 'coral',
  'cotton', 'cowboy', 'coyote', 'crayon', 'cricket', 'crystal', 'cupboard', 'curtain', 'cushion', 'daisy',
  'dancer', 'delta', 'desert', 'diamond', 'dolphin', 'domino', 'donkey', 'dragon', 'drum', 'eagle', 'easel',
  'echo', 'eclipse', 'elbow', 'ember', 'engine', 'falcon', 'feather', 'fennel', 'ferry', 'fiddle', 'flannel',
  'flute', 'forest', 'fossil', 'fountain', 'fox', 'galaxy', 'garden', 'garlic', 'geyser', 'ginger',
  'glacier', 'globe', 'goblet', 'gopher', 'granite', 'grape', 'gravel', 'guitar', 'hammock', 'harbor',
  'harvest', 'hazel', 'helmet', 'heron', 'hickory', 'honey', 'horizon', 'hornet', 'iceberg', 'igloo',
  'indigo', 'iris', 'island', 'ivory', 'jacket', 'jaguar', 'jasmine', 'jelly', 'jigsaw', 'jungle', 'kayak',
  'kettle', 'kiwi', 'koala', 'ladder', 'lagoon', 'lantern', 'laptop', 'lemon', 'lentil', 'lettuce',
  'library', 'lily', 'lizard', 'lobster', 'locket', 'lotus', 'magnet', 'mango', 'maple', 'marble', 'meadow',
  'melon', 'meteor', 'mint', 'mirror', 'mitten', 'mosaic', 'muffin', 'mustard', 'napkin', 'nectar', 'nickel',
  'noodle', 'nutmeg', 'oasis', 'ocean', 'olive', 'onion', 'orbit', 'orchid', 'otter', 'oyster', 'paddle',
  'pancake', 'panther', 'paper', 'parrot', 'peach', 'peanut', 'pebble', 'pelican', 'pepper', 'piano',
  'pickle', 'pigeon', 'pillow', 'pilot', 'pine', 'pirate', 'planet', 'plum', 'pocket', 'pond', 'popcorn',
  'potato', 'pretzel', 'pumpkin', 'puzzle', 'quartz', 'quilt', 'rabbit', 'radar', 'radish', 'raven',
  'ribbon', 'river', 'robin', 'rocket', 'saddle', 'salmon', 'sandal', 'satin', 'scarf', 'shovel', 'silver',
  'sketch', 'sparrow', 'spider', 'spinach', 'sponge', 'squash', 'statue', 'summit', 'sunset', 'tiger',
  'tulip', 'violin'
]
