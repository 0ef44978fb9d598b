import { useState, type FocusEvent, type KeyboardEvent } from 'react';
import { patchAfterKey } from '../heatmap/patchKeys';

interface PatchGridProps {
  grid: [number, number];
  /** The grid's accessible name. */
  label: string;
  /** Each patch's accessible name ("row 2, column 3: strongest concept dog"). */
  cellLabel: (patch: number) => string;
  /** The pinned patch, or null. */
  pinned: number | null;
  /** The focused patch, or null when focus leaves the grid (as the pointer's hover). */
  onFocusPatch: (patch: number | null) => void;
  /** Enter or Space on a patch: pins it, or unpins it if it is pinned. */
  onTogglePin: (patch: number) => void;
}

/**
 * The image's patches as a WAI-ARIA grid over the heatmap, for the keyboard and screen readers:
 * one Tab stop (roving tabindex), arrows / Home / End move between patches, Enter or Space pins
 * one. The pointer keeps working through the stage underneath (the cells take no pointer events),
 * so a click does not leave a focus ring behind.
 */
export function PatchGrid({ grid, label, cellLabel, pinned, onFocusPatch, onTogglePin }: PatchGridProps) {
  const [rows, cols] = grid;
  const [tabStop, setTabStop] = useState(0);
  const current = Math.min(tabStop, rows * cols - 1);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onTogglePin(current);
      return;
    }
    const next = patchAfterKey(current, event.key, grid, event.ctrlKey || event.metaKey);
    if (next === null) return;
    // The arrows would otherwise scroll the page.
    event.preventDefault();
    setTabStop(next);
    event.currentTarget.querySelector<HTMLElement>(`[data-patch="${next}"]`)?.focus();
  };
  const onFocus = (event: FocusEvent<HTMLDivElement>) => {
    const patch = Number((event.target as HTMLElement).dataset.patch);
    if (!Number.isInteger(patch)) return;
    setTabStop(patch);
    onFocusPatch(patch);
  };
  const onBlur = (event: FocusEvent<HTMLDivElement>) => {
    // Moving between cells blurs one and focuses the next: only leaving the grid ends the preview.
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) onFocusPatch(null);
  };

  return (
    <div className="patch-grid" role="grid" aria-label={label} onKeyDown={onKeyDown} onFocus={onFocus} onBlur={onBlur}>
      {Array.from({ length: rows }, (_, row) => (
        <div className="patch-row" role="row" key={row}>
          {Array.from({ length: cols }, (_, col) => {
            const patch = row * cols + col;
            return (
              <span
                key={col}
                className="patch-cell"
                role="gridcell"
                data-patch={patch}
                tabIndex={patch === current ? 0 : -1}
                aria-selected={patch === pinned}
                aria-label={cellLabel(patch)}
              />
            );
          })}
        </div>
      ))}
    </div>
  );
}
