/**
 * The explorer worker as the views see it: the part of `ExplorerApi` they use, provided through
 * React context, so the app gets the real worker (see `main.tsx`) and tests can provide a
 * stand-in. Null means no worker is connected; views then say so instead of showing anything.
 */
import { createContext, useContext } from 'react';
import type { ExplorerApi } from '../worker/api';

export type ExplorerPort = Pick<
  ExplorerApi,
  'switchSession' | 'analyzeImage' | 'heatmap' | 'forgetImage' | 'analyzeText' | 'transport'
>;

export const ExplorerApiContext = createContext<ExplorerPort | null>(null);

export function useExplorerApi(): ExplorerPort | null {
  return useContext(ExplorerApiContext);
}

/** A rejection's message, for showing next to whatever failed. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
