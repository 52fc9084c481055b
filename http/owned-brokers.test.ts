import { OwnedBrokers } from './owned-brokers';

it('remembers which user owns a broker, per user, until the entry expires', () => {
  let now = 1_000;
  const owned = new OwnedBrokers(60_000, () => now);
  expect(owned.has(1, 7)).toBe(false);
  owned.add(1, 7);
  expect(owned.has(1, 7)).toBe(true);
  expect(owned.has(2, 7)).toBe(false);
  expect(owned.has(1, 8)).toBe(false);
  now += 59_999;
  expect(owned.has(1, 7)).toBe(true);
  now += 1;
  expect(owned.has(1, 7)).toBe(false);
  owned.add(1, 7);
  expect(owned.has(1, 7)).toBe(true);
});
