// Job ids are deterministic and valid for BullMQ (no `:`, never all digits).
import { jobIds, orderKeys } from './jobs';
import { TIMEFRAMES } from './names';

it('gives one id per timeframe close, whoever computes it', () => {
  const close = Date.UTC(2024, 0, 1, 12, 15);
  expect(jobIds.tick('15m', close)).toBe(jobIds.tick('15m', close));
  expect(jobIds.tick('15m', close)).not.toBe(jobIds.tick('5m', close));
  expect(jobIds.tick('15m', close)).not.toBe(jobIds.tick('15m', close + 900_000));
});

it('never produces an id BullMQ would refuse', () => {
  for (const tf of TIMEFRAMES) {
    const id = jobIds.tick(tf, Date.UTC(2024, 0, 1));
    expect(id).not.toContain(':');
    expect(id).not.toMatch(/^\d+$/);
  }
});

it('keys a strategy order by its activation, close and leg, and its job by that key', () => {
  const close = Date.UTC(2024, 0, 1, 13);
  const entry = orderKeys.strategy(7, close, 'entry');
  expect(entry).toBe(`strategy:7:${close}:entry`);
  expect(orderKeys.strategy(7, close + 3_600_000, 'entry')).not.toBe(entry);
  expect(orderKeys.positionClose(7, 3, 0)).not.toBe(orderKeys.positionClose(7, 3, 1));
  expect(jobIds.order(entry)).toBe(jobIds.order(orderKeys.strategy(7, close, 'entry')));
  expect(jobIds.order(entry)).not.toContain(':');
  expect(jobIds.evaluate(7, close)).not.toBe(jobIds.evaluate(7, close + 3_600_000));
  expect(jobIds.close(7, 3)).not.toContain(':');
});
