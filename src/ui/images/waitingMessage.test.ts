import { describe, expect, it } from 'vitest';
import { waitingMessage } from './waitingMessage';

describe('waiting message', () => {
  it('says the image waits for the model while it loads', () => {
    expect(waitingMessage({ status: 'loading', error: null }, { status: 'idle', error: null })).toMatch(
      /^Waiting for the model/,
    );
  });

  it('says the image waits for the dictionary once the model is ready', () => {
    expect(waitingMessage({ status: 'ready', error: null }, { status: 'loading', error: null })).toMatch(
      /^Waiting for the dictionary/,
    );
  });

  it('names why the model failed and points to another', () => {
    const message = waitingMessage({ status: 'failed', error: 'Failed to fetch' }, { status: 'idle', error: null });
    expect(message).toContain('Failed to fetch');
    expect(message).toContain('Choose a model');
  });

  it('points to the Train tab for a model without a dictionary', () => {
    expect(waitingMessage({ status: 'ready', error: null }, { status: 'unavailable', error: null })).toContain(
      'Train tab',
    );
  });
});
