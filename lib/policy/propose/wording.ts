/**
 * Small English helpers for notes built from variable nouns ("a service control policy",
 * "an identity-based policy", "service control policies"), so sentences stay right whatever the
 * message's policy type is.
 */

/** Letters whose names start with a vowel sound, for acronyms ("an SCP", "an IAM role", "a VPC"). */
const VOWEL_SOUND_LETTERS = 'AEFHILMNORSX';

/** `noun` with "a" or "an" in front, by the sound it starts with. */
export function withArticle(noun: string): string {
  const acronym = /^[A-Z]{2,}\b/.test(noun);
  let an: boolean;
  if (acronym) an = VOWEL_SOUND_LETTERS.includes(noun[0] as string);
  // "user", "unique", "eu-west-1", "one": a vowel letter with a consonant sound.
  else if (/^(u[^aeiou\W][aeiou]|eu|one\b)/i.test(noun)) an = false;
  else an = /^[aeiou]/i.test(noun);
  return `${an ? 'an' : 'a'} ${noun}`;
}

/** The plural of a noun phrase, inflecting its last word ("service control policy" → "service control policies"). */
export function plural(noun: string): string {
  if (/[^aeiou]y$/i.test(noun)) return `${noun.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(noun)) return `${noun}es`;
  return `${noun}s`;
}

/** `text` with its first letter in upper case, to start a sentence. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
