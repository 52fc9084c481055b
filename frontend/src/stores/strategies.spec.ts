// When the one strategy list the pages share is fetched: once for all the pages, again after a change made here,
// again after a failure, and afresh for another account signed in in the same tab.
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { StrategyItem } from '@/api/strategies';
import type { User } from '@/api/types';
import { useAuthStore } from './auth';
import { useStrategiesStore } from './strategies';

const api = vi.hoisted(() => vi.fn());
vi.mock('@/api/client', () => ({ api }));
// Only who is signed in matters here (the real store brings the preferences, which need a browser).
vi.mock('./auth', async () => {
  const { defineStore } = await import('pinia');
  const { ref } = await import('vue');
  return { useAuthStore: defineStore('auth', () => ({ user: ref<User | null>(null) })) };
});

const item = (id: number, name: string): StrategyItem => ({
  id,
  name,
  description: '',
  timeframe: '1h',
  code: 'class S extends Strategy {}',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});
const user = (id: number) => ({ id, username: `u${id}` }) as User;
const lists = () => api.mock.calls.filter(([method, url]) => method === 'GET' && url === '/api/strategies').length;

/** An answer the test gives when it chooses. */
function later<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('strategies store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    api.mockReset();
    useAuthStore().user = user(1);
  });

  it('fetches the list once for every page, the ones opened together sharing the request', async () => {
    api.mockResolvedValue([item(1, 'EMA')]);
    const strategies = useStrategiesStore();
    await Promise.all([strategies.ensureLoaded(), strategies.ensureLoaded()]);
    await strategies.ensureLoaded();
    expect(lists()).toBe(1);
    expect(strategies.list.map((s) => s.name)).toEqual(['EMA']);
  });

  it('fetches it again after a create, a save and a delete, in the order the server keeps', async () => {
    const strategies = useStrategiesStore();
    api.mockResolvedValueOnce([item(1, 'EMA')]);
    await strategies.ensureLoaded();

    api.mockResolvedValueOnce(item(2, 'RSI')).mockResolvedValueOnce([item(1, 'EMA'), item(2, 'RSI')]);
    const created = await strategies.save({ name: 'RSI', description: '', timeframe: '1h', code: 'x' });
    expect(created.id).toBe(2);
    expect(api).toHaveBeenCalledWith('POST', '/api/strategies', expect.objectContaining({ name: 'RSI' }));
    expect(strategies.list.map((s) => s.name)).toEqual(['EMA', 'RSI']);

    api.mockResolvedValueOnce(item(1, 'ZEMA')).mockResolvedValueOnce([item(2, 'RSI'), item(1, 'ZEMA')]);
    await strategies.save({ name: 'ZEMA', description: '', timeframe: '1h', code: 'x' }, 1);
    expect(api).toHaveBeenCalledWith('PUT', '/api/strategies/1', expect.objectContaining({ name: 'ZEMA' }));
    expect(strategies.list.map((s) => s.name)).toEqual(['RSI', 'ZEMA']);

    api.mockResolvedValueOnce(undefined).mockResolvedValueOnce([item(1, 'ZEMA')]);
    await strategies.remove(2);
    expect(api).toHaveBeenCalledWith('DELETE', '/api/strategies/2');
    expect(strategies.list.map((s) => s.name)).toEqual(['ZEMA']);
    expect(lists()).toBe(4);
  });

  it('keeps the message of a failed fetch, and the next page to open tries again', async () => {
    const strategies = useStrategiesStore();
    api.mockRejectedValueOnce(new Error('Le serveur ne répond pas'));
    await strategies.ensureLoaded();
    expect(strategies.loadError).toBe('Le serveur ne répond pas');
    expect(strategies.loaded).toBe(false);

    api.mockResolvedValueOnce([item(1, 'EMA')]);
    await strategies.ensureLoaded();
    expect(strategies.loadError).toBe('');
    expect(strategies.list).toHaveLength(1);
    expect(lists()).toBe(2);
  });

  it("shows another account's own list, never the previous one's, even when that one answers late", async () => {
    const strategies = useStrategiesStore();
    const first = later<StrategyItem[]>();
    api.mockReturnValueOnce(first.promise);
    const loading = strategies.ensureLoaded();

    useAuthStore().user = user(2);
    expect(strategies.list).toEqual([]);
    api.mockResolvedValueOnce([item(7, 'Autre')]);
    await strategies.ensureLoaded();
    first.resolve([item(1, 'EMA')]);
    await loading;
    expect(strategies.list.map((s) => s.name)).toEqual(['Autre']);

    useAuthStore().user = null;
    expect(strategies.list).toEqual([]);
    expect(strategies.loaded).toBe(false);
  });
});
