import { describe, expect, it } from 'vitest';
import { DownloadError, describeLoadFailure } from './errors';

describe('describeLoadFailure', () => {
  it('names a download that got no response, even when the loader rethrew it in its own words', () => {
    const download = new DownloadError('blocked', 'https://example.invalid/m', 'this app may not connect');
    const failure = describeLoadFailure(new Error('Failed to fetch'), [download]);
    expect(failure).toEqual({
      reason: 'blocked',
      message: 'blocked by the content-security policy: this app may not connect',
    });
    expect(describeLoadFailure(download).reason).toBe('blocked');
  });

  it('reads a missing file from transformers.js, the encoder and the dictionary loader', () => {
    expect(
      describeLoadFailure(new Error('Could not locate file: "https://huggingface.co/x/config.json".')).reason,
    ).toBe('not-found');
    expect(describeLoadFailure(new Error('could not load model "x": the model folder has no onnx/a.onnx')).reason).toBe(
      'not-found',
    );
    expect(describeLoadFailure(new Error('no LUCID dictionary at /d/ (missing lucid.safetensors)')).reason).toBe(
      'not-found',
    );
  });

  it('calls exhausted memory or storage too large', () => {
    expect(describeLoadFailure(new RangeError('Array buffer allocation failed')).reason).toBe('too-large');
    expect(describeLoadFailure(Object.assign(new Error('full'), { name: 'QuotaExceededError' })).reason).toBe(
      'too-large',
    );
  });

  it('calls anything else not usable, with the error’s own message', () => {
    expect(describeLoadFailure(new Error('dictionary has 512 inputs, the model 768'))).toEqual({
      reason: 'invalid',
      message: 'not usable: dictionary has 512 inputs, the model 768',
    });
  });
});
