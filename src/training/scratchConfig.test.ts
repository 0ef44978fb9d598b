import { describe, expect, it } from 'vitest';
import { latentCount } from '../lucid/config';
import { scratchConfig } from './scratchConfig';

describe('scratch configuration', () => {
  it('sizes the dictionary to the encoder', () => {
    const config = scratchConfig(128, 128);
    expect([config.nShared, config.nImagePrivate, config.nTextPrivate, config.k]).toEqual([256, 64, 64, 16]);
    expect(latentCount(config)).toBe(384);
  });

  it('stays valid for a tiny encoder', () => {
    const config = scratchConfig(4, 3);
    expect(config.k).toBeLessThanOrEqual(config.nShared + config.nImagePrivate);
  });
});
