import type { Tab } from '../app/urlState';

/** The tabs' accessible names. */
export const TAB_NAMES: Record<Tab, string> = {
  images: 'Images',
  text: 'Text',
  pairs: 'Pairs',
  concepts: 'Concepts',
  train: 'Train',
};

export function tabId(tab: Tab): string {
  return `tab-${tab}`;
}

export function panelId(tab: Tab): string {
  return `panel-${tab}`;
}
