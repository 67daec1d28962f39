import t from 'tap';
import { FixedWindows } from '../../src/plugins/rate-limit.ts';

t.test('a window per caller from its first request; a new one once it has passed', async (t) => {
  let now = 1_000;
  const windows = new FixedWindows(3, 60_000, 100, () => now);
  t.same([1, 2, 3].map(() => windows.hit('a').allowed), [true, true, true]);
  const over = windows.hit('a');
  t.same(over, { allowed: false, remaining: 0, resetMs: 60_000 }, 'the fourth is refused');
  now += 30_000;
  t.equal(windows.hit('b').remaining, 2, "another caller's own window");
  t.equal(windows.hit('a').resetMs, 30_000, "a's window ends where it began plus the length");
  now += 30_000;
  t.same(windows.hit('a'), { allowed: true, remaining: 2, resetMs: 60_000 }, 'then a fresh window');
  t.equal(windows.hit('b').resetMs, 30_000, "b's window runs on");
});

t.test('a flood of callers is bounded: the longest-seen forgotten first', async (t) => {
  const now = 0;
  const windows = new FixedWindows(1, 60_000, 1_000, () => now);
  windows.hit('first');
  t.equal(windows.hit('first').allowed, false);
  for (let i = 0; i < 5_000; i++) windows.hit(`10.0.${i >> 8}.${i & 255}`);
  t.equal(windows.size, 1_000, 'never more than the bound');
  t.equal(windows.hit('first').allowed, true, 'a forgotten caller starts afresh');
  t.equal(windows.hit('10.0.19.135').allowed, false, 'the latest callers are still counted');
});
