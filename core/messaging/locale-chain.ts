/** The locales to try for `locale`, most specific first: sv-FI → sv → en (then `fallback` when given). */
export function localeChain(locale: string | undefined, fallback?: string): string[] {
  const chain: string[] = [];
  const add = (l: string | undefined) => {
    if (l && !chain.includes(l)) chain.push(l);
  };
  if (locale) {
    const parts = locale.split('-');
    for (let i = parts.length; i > 0; i--) add(parts.slice(0, i).join('-'));
  }
  add('en');
  add(fallback);
  return chain;
}

/** The entry of `byLocale` for the first locale of the chain that has one. */
export function pickLocale<T>(byLocale: Record<string, T> | undefined, locale: string, fallback?: string): { locale: string; value: T } | undefined {
  if (!byLocale) return undefined;
  for (const candidate of localeChain(locale, fallback)) {
    const value = byLocale[candidate];
    if (value !== undefined) return { locale: candidate, value };
  }
  const first = Object.entries(byLocale)[0];
  return first ? { locale: first[0], value: first[1] } : undefined;
}
