import { describe, expect, it } from 'vitest';
import { isQuotaExceeded } from './storageErrors';

describe('quota errors', () => {
  it('recognises the DOMException and Firefox names and quota messages', () => {
    expect(isQuotaExceeded({ name: 'QuotaExceededError', message: '' })).toBe(true);
    expect(isQuotaExceeded({ name: 'NS_ERROR_DOM_QUOTA_REACHED' })).toBe(true);
    expect(isQuotaExceeded(new Error('Transaction aborted: quota exceeded'))).toBe(true);
    expect(isQuotaExceeded({ name: 'AbortError', inner: { name: 'QuotaExceededError' } })).toBe(true);
  });

  it('does not mistake other failures', () => {
    expect(isQuotaExceeded(new Error('version change blocked'))).toBe(false);
    expect(isQuotaExceeded(null)).toBe(false);
    expect(isQuotaExceeded('QuotaExceededError')).toBe(false);
  });
});
