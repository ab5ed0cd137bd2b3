/**
 * Official ids that cannot be spoofed. An official's id is compared with a case's subject, handler,
 * verifier and liaison to keep people out of their own cases, so two spellings that look alike must
 * either be the same id or be refused. One function, `canonicalOfficialId`, decides what an id is;
 * every schema and every comparison in the machines goes through it.
 *
 * - Spellings that mean the same id are folded together: capitals, surrounding spaces, fullwidth
 *   forms (ｈｅ．ｐｉｎｇ), and invisible characters (zero-width space and joiners, soft hyphen, BOM).
 * - Spellings that only look alike are refused, never folded: Cyrillic or Greek look-alikes, the
 *   dotless ı, accented letters (José is refused, not read as jose: an accent is part of a name),
 *   and bidirectional controls, which change the order an id is displayed in.
 *
 * Pure: no I/O, no Node built-ins.
 */
import { z } from 'zod';

/** The safe alphabet, for caseworkers. */
export const OFFICIAL_ID_RULE =
  'an official id is 1–64 characters: lower-case ASCII letters a–z, digits 0–9, dots, dashes or underscores, ' +
  'starting with a letter or digit (e.g. he.ping)';

/** The most characters an official id has. */
export const OFFICIAL_ID_MAX_LENGTH = 64;

const SAFE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * Characters Unicode says to render as nothing (format characters such as zero-width spaces and
 * joiners, soft hyphen, BOM, word joiner; variation selectors; the combining grapheme joiner) —
 * except the bidirectional controls: those reorder what is displayed, so they are kept and refused.
 */
const INVISIBLE = /(?!\p{Bidi_Control})\p{Default_Ignorable_Code_Point}/gu;
const EDGE_SPACE = /^\p{White_Space}+|\p{White_Space}+$/gu;

const fold = (id: string): string =>
  id.normalize('NFKC').replace(INVISIBLE, '').toLowerCase().normalize('NFKC').replace(EDGE_SPACE, '');

/**
 * The one spelling of an official id: Unicode NFKC (fullwidth → ASCII, composed accents), invisible
 * characters removed, lower case, surrounding whitespace trimmed. Never throws. Look-alike letters,
 * accents and bidirectional controls are kept, so that `isSafeOfficialId` refuses them; the NFD and
 * NFC spellings of "josé" give the same (refused) string.
 */
export function canonicalOfficialId(raw: string): string {
  if (typeof raw !== 'string') return '';
  if (SAFE.test(raw)) return raw; // already canonical: the common case, without Unicode work
  let id = fold(raw);
  // One fold is idempotent on every code point tested; folding again until stable guards against rare Unicode interactions.
  for (let i = 0; i < 3; i++) {
    const again = fold(id);
    if (again === id) break;
    id = again;
  }
  return id;
}

/** True for an id in the safe alphabet (see `OFFICIAL_ID_RULE`); `id` is taken as it is, not canonicalised. */
export const isSafeOfficialId = (id: string): boolean => typeof id === 'string' && SAFE.test(id);

/** Letters that pass for a Latin a–z letter in most fonts, with the letter they imitate. */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  // Cyrillic: а е һ і ј ӏ о р ԛ ѕ ԝ х у ԁ с ү ѵ
  '\u0430': 'a', '\u0435': 'e', '\u04BB': 'h', '\u0456': 'i', '\u0458': 'j', '\u04CF': 'l', '\u043E': 'o', '\u0440': 'p',
  '\u051B': 'q', '\u0455': 's', '\u051D': 'w', '\u0445': 'x', '\u0443': 'y', '\u0501': 'd', '\u0441': 'c', '\u04AF': 'y',
  '\u0475': 'v',
  // Greek: α η ι κ ν ο ρ υ χ γ ϳ
  '\u03B1': 'a', '\u03B7': 'n', '\u03B9': 'i', '\u03BA': 'k', '\u03BD': 'v', '\u03BF': 'o', '\u03C1': 'p', '\u03C5': 'u',
  '\u03C7': 'x', '\u03B3': 'y', '\u03F3': 'j',
  // Latin outside ASCII: ı ȷ ɑ ɡ ɩ ǀ ɵ ʋ
  '\u0131': 'i', '\u0237': 'j', '\u0251': 'a', '\u0261': 'g', '\u0269': 'i', '\u01C0': 'l', '\u0275': 'o', '\u028B': 'u',
  // Armenian: օ ս հ ո զ ց
  '\u0585': 'o', '\u057D': 'u', '\u0570': 'h', '\u0578': 'n', '\u0566': 'q', '\u0581': 'g',
};

const SCRIPTS = [
  'Latin', 'Cyrillic', 'Greek', 'Armenian', 'Georgian', 'Cherokee', 'Coptic', 'Hebrew', 'Arabic', 'Han',
  'Hiragana', 'Katakana', 'Hangul', 'Thai', 'Devanagari', 'Mongolian', 'Tibetan',
] as const;
const IDEOGRAPHIC: ReadonlySet<string> = new Set(['Han', 'Hiragana', 'Katakana', 'Hangul']);
const SCRIPT_TESTS = SCRIPTS.map((script) => [script, new RegExp(`^\\p{Script=${script}}$`, 'u')] as const);

const codePoint = (ch: string): string => `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** A character outside the alphabet, described for a caseworker. Invisible or reordering characters are named by code point only. */
function describe(ch: string): string {
  const cp = codePoint(ch);
  if (/^\p{Bidi_Control}$/u.test(ch)) return `a bidirectional control character (${cp}), which changes the order the id is displayed in`;
  if (/^\p{White_Space}$/u.test(ch)) return `a space or line break (${cp}) inside the id`;
  if (/^\p{Cc}$/u.test(ch)) return `a control character (${cp})`;
  if (/^\p{Cs}$/u.test(ch)) return `a broken character (a lone surrogate, ${cp})`;
  if (/^\p{M}$/u.test(ch)) return `an accent or combining mark (${cp})`;
  if (/^\p{L}$/u.test(ch)) {
    const script = SCRIPT_TESTS.find(([, test]) => test.test(ch))?.[0];
    const imitated = LOOK_ALIKES[ch];
    const base = ch.normalize('NFD').charAt(0);
    if (imitated !== undefined) {
      const which = script === 'Latin' || script === undefined ? 'non-ASCII letter' : `${script} letter`;
      return `the ${which} "${ch}" (${cp}), which looks like the Latin "${imitated}"`;
    }
    if (script === 'Latin' && /^[a-z]$/.test(base)) return `the accented letter "${ch}" (${cp}): accents are not part of an id`;
    if (script === undefined || script === 'Latin') return `the non-ASCII letter "${ch}" (${cp})`;
    return `the ${script} ${IDEOGRAPHIC.has(script) ? 'character' : 'letter'} "${ch}" (${cp})`;
  }
  if (/^\p{C}$/u.test(ch)) return `an invisible or unassigned character (${cp})`;
  return `the character "${ch}" (${cp})`;
}

/**
 * Why `raw` is not a safe official id once canonicalised, for a caseworker (e.g. `contains the Cyrillic
 * letter "е" (U+0435), which looks like the Latin "e"; …`), or null when it is one. The reason reads
 * after the name of the field: "the verifier " + reason.
 */
export function officialIdProblem(raw: string): string | null {
  const id = canonicalOfficialId(raw);
  if (isSafeOfficialId(id)) return null;
  if (id === '') {
    return typeof raw === 'string' && raw.length > 0 ? 'must not be empty (it has only spaces or invisible characters)' : 'must not be empty';
  }
  const chars = [...id];
  const bad = chars.find((ch) => !/^[a-z0-9._-]$/.test(ch));
  if (bad !== undefined) return `contains ${describe(bad)}; only a–z, 0–9, ".", "-" and "_" are allowed`;
  if (!/^[a-z0-9]/.test(id)) return `must start with a letter or digit, not "${chars[0] ?? ''}"`;
  return `is too long (${chars.length} characters; ${OFFICIAL_ID_MAX_LENGTH} at most)`;
}

const ID_DESCRIPTION =
  `${OFFICIAL_ID_RULE.charAt(0).toUpperCase()}${OFFICIAL_ID_RULE.slice(1)}. ` +
  'Capitals, surrounding spaces, fullwidth forms and invisible characters are read as the plain id.';

/**
 * An official id in an input or event payload: read as `canonicalOfficialId` gives it, refused
 * unless it is safe, with `officialIdProblem` after `what` as the message ("the verifier contains …").
 */
export const officialId = (what: string) =>
  z
    .string({ error: `${what} must be text` })
    .overwrite(canonicalOfficialId)
    .refine(isSafeOfficialId, { error: (issue) => `${what} ${officialIdProblem(String(issue.input)) ?? 'is not a valid official id'}` })
    .meta({ description: ID_DESCRIPTION });

/** True when `a` and `b` name the same official; an absent or empty id names nobody. */
export function sameOfficial(a: string | null | undefined, b: string | null | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const left = canonicalOfficialId(a);
  return left !== '' && left === canonicalOfficialId(b);
}
