// Job ids are deterministic and valid for BullMQ (no `:`, never all digits).
import { jobIds } from './jobs';
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
