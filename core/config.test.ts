// The environment is validated once at start, and a bad variable is named in the message.
import { ConfigError, loadConfig } from './config';

const base = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
  REDIS_URL: 'redis://127.0.0.1:6379/0',
  SECRET_KEY: 'k'.repeat(40),
};

it('applies the documented defaults', () => {
  const config = loadConfig(base);
  expect(config).toMatchObject({ NODE_ENV: 'development', PORT: 3000, HOST: '127.0.0.1', DEBUG_ARISTOBOT: false });
  expect(config.LOGIN_MAX_ATTEMPTS).toBe(5);
});

it('names every bad variable', () => {
  expect(() => loadConfig({ ...base, PORT: 'abc', REDIS_URL: 'http://x' })).toThrow(ConfigError);
  try {
    loadConfig({ ...base, PORT: 'abc', REDIS_URL: 'http://x' });
  } catch (error) {
    expect((error as Error).message).toMatch(/PORT/);
    expect((error as Error).message).toMatch(/REDIS_URL/);
  }
});

it('requires DATABASE_URL', () => {
  expect(() => loadConfig({ ...base, DATABASE_URL: undefined })).toThrow(/DATABASE_URL/);
});

it('requires a long SECRET_KEY in production, and some SECRET_KEY everywhere', () => {
  expect(() => loadConfig({ ...base, NODE_ENV: 'production', SECRET_KEY: 'short' })).toThrow(/SECRET_KEY/);
  expect(() => loadConfig({ ...base, SECRET_KEY: undefined })).toThrow(/SECRET_KEY/);
  expect(loadConfig({ ...base, NODE_ENV: 'production' }).SECRET_KEY).toBe(base.SECRET_KEY);
});

it('reads DEBUG_ARISTOBOT as the spec writes it (True/False)', () => {
  expect(loadConfig({ ...base, DEBUG_ARISTOBOT: 'True' }).DEBUG_ARISTOBOT).toBe(true);
  expect(loadConfig({ ...base, DEBUG_ARISTOBOT: 'False' }).DEBUG_ARISTOBOT).toBe(false);
  expect(() => loadConfig({ ...base, DEBUG_ARISTOBOT: 'maybe' })).toThrow(/DEBUG_ARISTOBOT/);
});
