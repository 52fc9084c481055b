// The Redis that `npm test` and `npm start` provision is configured the way BullMQ needs it.
import { createRedis, evictionPolicy, redisOptions } from './redis';

it('parses a redis URL with password and database', () => {
  expect(redisOptions('redis://:p%40ss@10.0.0.1:6380/2')).toMatchObject({
    host: '10.0.0.1',
    port: 6380,
    password: 'p@ss',
    db: 2,
  });
});

it('runs with maxmemory-policy noeviction', async () => {
  const redis = createRedis(process.env.REDIS_URL!);
  try {
    expect(await evictionPolicy(redis)).toBe('noeviction');
  } finally {
    await redis.quit();
  }
});
