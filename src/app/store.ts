/**
 * The app store: one zustand store built from typed slices. Actions are plain module
 * functions (zustand's "practice with no store actions"), so components select narrowly
 * and the store stays serialisable.
 */
import { create } from 'zustand';
import { createComputeSlice, type ComputeSlice, type ComputeState } from './computeSlice';

export type AppState = ComputeSlice;

export const useAppStore = create<AppState>()((...args) => ({
  ...createComputeSlice(...args),
}));

export function setCompute(update: Partial<ComputeState>): void {
  useAppStore.setState((state) => ({ compute: { ...state.compute, ...update } }));
}
