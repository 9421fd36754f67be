import { describe, expect, it } from 'vitest';
import { WakeHeap } from '../../../src/load/paced-engine.ts';

describe('WakeHeap', () => {
  it('pops in due order whatever the push order, including ties and pushes between pops', () => {
    const heap = new WakeHeap();
    let x = 7;
    const rand = () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x % 500;
    };
    const popped: number[] = [];
    for (let i = 0; i < 2000; i++) {
      heap.push({ wakeAt: rand() });
      if (i % 3 === 2) popped.push((heap.pop() as { wakeAt: number }).wakeAt);
    }
    const drained: number[] = [];
    while (heap.size > 0) drained.push((heap.pop() as { wakeAt: number }).wakeAt);
    expect(drained).toEqual([...drained].sort((a, b) => a - b));
    expect(popped.length + drained.length).toBe(2000);
    expect(heap.peek()).toBe(Number.POSITIVE_INFINITY);
    expect(heap.pop()).toBeUndefined();
  });
});
