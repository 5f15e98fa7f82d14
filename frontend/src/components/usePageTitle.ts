import { useEffect } from 'react';

export const APP_NAME = 'Trailmark';

/** "Members · Acme · Trailmark": the most specific part first, as tabs and screen readers show it. */
export function pageTitle(...parts: (string | null | undefined)[]): string {
  return [...parts.filter((p): p is string => !!p), APP_NAME].join(' · ');
}

/**
 * Names the browser tab while the screen is shown: the screen's title, then its
 * context (the tenant). A null title leaves the document title to the screen inside.
 */
export function usePageTitle(title: string | null, ...context: (string | null | undefined)[]) {
  const text = title == null ? null : pageTitle(title, ...context);
  useEffect(() => {
    if (text != null) document.title = text;
  }, [text]);
}
