import { describe, expect, it } from 'vitest';
import { appendCapped, historyUpTo } from './history';

describe('metrics history', () => {
  it('appends until full, then thins to every other point keeping the newest', () => {
    let history: number[] = [];
    for (let i = 1; i <= 5; i++) history = appendCapped(history, i, 4);
    expect(history).toEqual([1, 3, 5]);
    expect(history.length).toBeLessThanOrEqual(4);
  });

  it('drops points after a step', () => {
    expect(historyUpTo([{ step: 10 }, { step: 20 }, { step: 30 }], 20)).toEqual([{ step: 10 }, { step: 20 }]);
  });
});
