/**
 * The page language: Simplified Chinese unless the reader chose English (the switch in the header,
 * kept in a cookie) or their browser asks for English before Chinese (`Accept-Language`).
 */
import type { CaseDefinition } from '../../machines/types';
import { en, zhCN, zhCNCaseTypeTitles, type MessageKey } from './messages';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';
/** The cookie that keeps the reader's choice. */
export const LOCALE_COOKIE = 'caseflow_lang';

/** Fills a page's words in one language: `t('board.caption', { n: 3 })`; `t.locale` says which. */
export interface Translate {
  (key: MessageKey, values?: Readonly<Record<string, string | number>>): string;
  readonly locale: Locale;
}

const CATALOGUES: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { 'zh-CN': zhCN, en };

/** The translator for `locale`; a `{name}` without a value stays as written, so a gap shows rather than vanishes. */
export function translator(locale: Locale): Translate {
  const catalogue = CATALOGUES[locale];
  const t = (key: MessageKey, values?: Readonly<Record<string, string | number>>): string =>
    catalogue[key].replace(/\{(\w+)\}/g, (whole, name: string) => (values && name in values ? String(values[name]) : whole));
  return Object.assign(t, { locale });
}

/** A case type's title in the page's language (the machine's own title in English). */
export function caseTypeTitle(definition: CaseDefinition, t: Translate): string {
  return t.locale === 'zh-CN' ? (zhCNCaseTypeTitles[definition.type] ?? definition.title) : definition.title;
}

/** A locale this app speaks, from a value such as `en`, `en-GB`, `zh`, `zh-Hans-CN`; null for any other. */
export function localeOf(tag: string | undefined): Locale | null {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  if (primary === 'zh') return 'zh-CN';
  if (primary === 'en') return 'en';
  return null;
}

/** The language of a page: the reader's stored choice, else the first language their browser weighs highest that we speak. */
export function chooseLocale(cookie: string | undefined, acceptLanguage: string | undefined): Locale {
  const chosen = localeOf(cookie);
  if (chosen) return chosen;
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part, order) => {
      const [tag, ...params] = part.split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { locale: localeOf(tag), weight: q === undefined ? 1 : Number(q), order };
    })
    .filter((w): w is { locale: Locale; weight: number; order: number } => w.locale !== null && w.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.order - b.order);
  return wanted[0]?.locale ?? DEFAULT_LOCALE;
}
