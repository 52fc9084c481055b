import { ReferencePrices } from './reference-prices';

describe('reference prices', () => {
  it('serves a price while it is young enough, then asks again; a missing price is asked again at once', async () => {
    let now = 0;
    const prices = new ReferencePrices(5_000, () => now);
    const answers = ['100', '101'];
    let asked = 0;
    const fetch = async () => answers[asked++] ?? null;
    expect(await prices.get('1:BTC/USDT', fetch)).toBe('100');
    now = 2_000;
    expect(await prices.get('1:BTC/USDT', fetch)).toBe('100');
    expect(asked).toBe(1);
    now = 20_000;
    expect(await prices.get('1:BTC/USDT', fetch)).toBe('101');
    expect(asked).toBe(2);
    expect(await prices.get('2:BTC/USDT', async () => null)).toBeNull();
    expect(await prices.get('2:BTC/USDT', async () => '7')).toBe('7');
  });

  it('refreshes a price past half its life in the background, without making the caller wait', async () => {
    let now = 0;
    const prices = new ReferencePrices(5_000, () => now);
    expect(await prices.get('k', async () => '100')).toBe('100');
    now = 3_000;
    let release!: (price: string) => void;
    let asked = 0;
    const slow = () => {
      asked++;
      return new Promise<string>((resolve) => (release = resolve));
    };
    expect(await prices.get('k', slow)).toBe('100');
    expect(await prices.get('k', slow)).toBe('100');
    expect(asked).toBe(1);
    release('105');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await prices.get('k', slow)).toBe('105');
    expect(asked).toBe(1);
  });

  it('asks once for a price several orders need at the same time', async () => {
    const prices = new ReferencePrices(5_000);
    let asked = 0;
    const fetch = async () => {
      asked++;
      return '42';
    };
    expect(await Promise.all([prices.get('k', fetch), prices.get('k', fetch), prices.get('k', fetch)])).toEqual([
      '42',
      '42',
      '42',
    ]);
    expect(asked).toBe(1);
  });
});
