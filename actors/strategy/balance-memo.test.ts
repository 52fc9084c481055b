import { BalanceMemo } from './balance-memo';

describe('balance memo', () => {
  /** A broker actor that answers its n-th balance request with n USDT. */
  function broker() {
    let asked = 0;
    return {
      get asked() {
        return asked;
      },
      balance: async () => [{ asset: 'USDT', free: String(++asked), used: '0', total: String(asked) }],
    };
  }
  const free = async (lines: Promise<{ free: string }[]>) => (await lines)[0]!.free;

  it("shares one close's balance between its evaluations, and asks again on the next close", async () => {
    const memo = new BalanceMemo();
    const b = broker();
    expect(await free(memo.get(1, 1000, b.balance))).toBe('1');
    expect(await free(memo.get(1, 1000, b.balance))).toBe('1');
    expect(await free(memo.get(2, 1000, b.balance))).toBe('2');
    expect(await free(memo.get(1, 2000, b.balance))).toBe('3');
    expect(b.asked).toBe(3);
  });

  it('asks again during and after an order on that broker, not on another', async () => {
    const memo = new BalanceMemo();
    const b = broker();
    await memo.get(1, 1000, b.balance);
    await memo.get(2, 1000, b.balance);
    const during = await memo.ordering(1, () => free(memo.get(1, 1000, b.balance)));
    expect(during).toBe('3');
    expect(await free(memo.get(1, 1000, b.balance))).toBe('4');
    expect(await free(memo.get(2, 1000, b.balance))).toBe('2');
    await expect(memo.ordering(1, () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(await free(memo.get(1, 1000, b.balance))).toBe('5');
  });

  it('keeps neither a failed request nor a balance older than its age', async () => {
    const memo = new BalanceMemo(50);
    const b = broker();
    await expect(memo.get(1, 1000, () => Promise.reject(new Error('timeout')))).rejects.toThrow('timeout');
    expect(await free(memo.get(1, 1000, b.balance))).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await free(memo.get(1, 1000, b.balance))).toBe('2');
  });
});
