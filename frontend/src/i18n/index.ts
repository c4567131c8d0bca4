// Dutch and English: the browser's language by default, the header's switch after that (kept in localStorage).
import i18n from "i18next";
import { initReactI18next, useTranslation } from "react-i18next";

import type { Feature } from "../app/feature";
import type { Language } from "../lib/format";
import { en } from "./en";
import { nl } from "./nl";

const STORED = "secondo.language";

export function initialLanguage(): Language {
  const stored = typeof localStorage !== "undefined" ? localStorage.getItem(STORED) : null;
  if (stored === "en" || stored === "nl") return stored;
  const browser = typeof navigator !== "undefined" ? navigator.language : "en";
  return browser.toLowerCase().startsWith("nl") ? "nl" : "en";
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, nl: { translation: nl } },
  lng: initialLanguage(),
  fallbackLng: "en",
  interpolation: { escapeValue: false },
});

/** Each feature's messages under its key (``app/features`` calls this once it has loaded every feature). */
export function addFeatureMessages(features: Feature[]): void {
  for (const feature of features) {
    i18n.addResourceBundle("en", "translation", { [feature.key]: feature.messages.en }, true, true);
    i18n.addResourceBundle("nl", "translation", { [feature.key]: feature.messages.nl }, true, true);
  }
}

export function setLanguage(language: Language): void {
  localStorage.setItem(STORED, language);
  document.documentElement.lang = language;
  void i18n.changeLanguage(language);
}

/** The translate function and the current language (for number and date formats). */
export function useLanguage(): { t: (key: string, options?: Record<string, unknown>) => string; language: Language } {
  const { t, i18n: instance } = useTranslation();
  const language: Language = instance.language === "nl" ? "nl" : "en";
  return { t: (key, options) => t(key, options ?? {}), language };
}

export default i18n;
