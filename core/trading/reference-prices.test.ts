import { ReferencePrices } from './reference-prices';

describe('reference prices', () => {
  it('serves a price while it is young enough, then asks again; a missing price is asked again at once', async () => {
    let now = 0;
    const prices = new ReferencePrices(5_000, () => now);
    const answers = ['100', '101'];
    let asked = 0;
    const fetch = async () => answers[asked++] ?? null;
    expect(await prices.get('1:BTC/USDT', fetch)).toBe('100');
    now = 5_000;
    expect(await prices.get('1:BTC/USDT', fetch)).toBe('100');
    now = 5_001;
    expect(await prices.get('1:BTC/USDT', fetch)).toBe('101');
    expect(asked).toBe(2);
    expect(await prices.get('2:BTC/USDT', async () => null)).toBeNull();
    expect(await prices.get('2:BTC/USDT', async () => '7')).toBe('7');
  });
});
