/**
 * The app store: one zustand store built from typed slices. Actions are plain module
 * functions (zustand's "practice with no store actions"), so components select narrowly
 * and the store stays serialisable.
 */
import { create } from 'zustand';
import { createComputeSlice, type ComputeSlice, type ComputeState } from './computeSlice';
import { createExplorerSlice, type ExplorerSlice } from './explorerSlice';
import { createImagesSlice, type ImagesSlice } from './imagesSlice';
import { createSessionSlice, type SessionSlice } from './sessionSlice';
import { createTextSlice, type TextSlice } from './textSlice';
import { createTrainSlice, type TrainSlice } from './trainSlice';

export type AppState = ComputeSlice & ExplorerSlice & SessionSlice & ImagesSlice & TextSlice & TrainSlice;

export const useAppStore = create<AppState>()((...args) => ({
  ...createComputeSlice(...args),
  ...createExplorerSlice(...args),
  ...createSessionSlice(...args),
  ...createImagesSlice(...args),
  ...createTextSlice(...args),
  ...createTrainSlice(...args),
}));

export function setCompute(update: Partial<ComputeState>): void {
  useAppStore.setState((state) => ({ compute: { ...state.compute, ...update } }));
}
