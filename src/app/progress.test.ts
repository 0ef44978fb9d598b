import { describe, expect, it } from 'vitest';
import { addProgressEvent, progressSummary, type DownloadProgress } from './progress';

describe('download progress', () => {
  it('sums bytes over files', () => {
    let progress: DownloadProgress = {};
    progress = addProgressEvent(progress, { status: 'progress', file: 'a.onnx', loaded: 50, total: 100 });
    progress = addProgressEvent(progress, { status: 'progress', file: 'b.onnx', loaded: 0, total: 300 });
    expect(progressSummary(progress)).toEqual({ loaded: 50, total: 400, fraction: 0.125 });
  });

  it('counts a finished file as fully loaded', () => {
    let progress = addProgressEvent({}, { status: 'progress', file: 'a.onnx', loaded: 10, total: 100 });
    progress = addProgressEvent(progress, { status: 'done', file: 'a.onnx' });
    expect(progressSummary(progress).fraction).toBe(1);
  });

  it('has no fraction before any total is known', () => {
    const progress = addProgressEvent({}, { status: 'initiate', file: 'a.onnx' });
    expect(progressSummary(progress).fraction).toBeNull();
    expect(addProgressEvent(progress, { status: 'ready' })).toBe(progress);
  });
});
