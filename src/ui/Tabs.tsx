import type { KeyboardEvent } from 'react';
import { setTab } from '../app/selectionActions';
import { useAppStore } from '../app/store';
import { TABS } from '../app/urlState';
import { panelId, TAB_NAMES, tabId } from './tabNames';

/** The tab list (WAI-ARIA tabs pattern: arrow keys move between tabs). */
export function Tabs() {
  const current = useAppStore((state) => state.explorer.tab);
  const onKeyDown = (event: KeyboardEvent) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    const next = TABS[(TABS.indexOf(current) + step + TABS.length) % TABS.length];
    setTab(next);
    document.getElementById(tabId(next))?.focus();
  };
  return (
    <div role="tablist" aria-label="Views" className="tabs" onKeyDown={onKeyDown}>
      {TABS.map((tab) => (
        <button
          key={tab}
          id={tabId(tab)}
          type="button"
          role="tab"
          aria-selected={tab === current}
          aria-controls={panelId(tab)}
          tabIndex={tab === current ? 0 : -1}
          onClick={() => setTab(tab)}
        >
          {TAB_NAMES[tab]}
        </button>
      ))}
    </div>
  );
}
