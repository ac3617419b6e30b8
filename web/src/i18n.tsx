// The console's language: Chinese first, English on request (UI.md). Every
// visible string comes from locales/zh.json and locales/en.json by key;
// test/locales.test.mjs fails when a key is in one file and not the other,
// or when the code uses a key neither has.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import zh from './locales/zh.json';
import en from './locales/en.json';

export type Lang = 'zh' | 'en';
export type MessageKey = keyof typeof zh;

const catalogs: Record<Lang, Record<string, string>> = { zh, en };

// The language is remembered in localStorage: a preference, not a secret
// (no token is ever kept there).
const storageKey = 'govdata.lang';

export function initialLang(): Lang {
  try {
    return localStorage.getItem(storageKey) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

/** Fills {name} placeholders of a message. */
export function format(message: string, vars?: Record<string, string | number>): string {
  if (!vars) return message;
  return message.replace(/\{(\w+)\}/g, (all, name: string) => (name in vars ? String(vars[name]) : all));
}

/**
 * translate looks a key up outside React (the API client's messages). A
 * count of one takes the key's ".one" form where the language has one
 * ("1 row", not "1 rows"); Chinese needs none.
 */
export function translate(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  const messages = catalogs[lang];
  const one = vars?.n === 1 ? messages[`${key}.one`] : undefined;
  return format(one ?? messages[key] ?? key, vars);
}

interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
}

const I18nContext = createContext<I18n>({ lang: 'zh', setLang: () => {}, t: (k) => translate('zh', k) });

export function I18nProvider({ children, onChange }: { children: ReactNode; onChange?: (l: Lang) => void }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback(
    (l: Lang) => {
      setLangState(l);
      try {
        localStorage.setItem(storageKey, l);
      } catch {
        // Private mode: the choice lasts for this page.
      }
      onChange?.(l);
    },
    [onChange],
  );
  const t = useCallback((key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars), [lang]);
  const value = useMemo(() => ({ lang, setLang, t }), [lang, setLang, t]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
