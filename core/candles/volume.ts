const SCALE = 100_000_000;

/**
 * An exact sum of decimal quantities with up to 8 decimals (Binance's precision), kept as whole units plus
 * hundred-millionths in two plain numbers: exact like a decimal library, and cheap enough for the trade hot path.
 */
export class VolumeSum {
  private whole = 0;
  private fraction = 0;

  add(quantity: string): void {
    const dot = quantity.indexOf('.');
    if (dot < 0) {
      this.whole += Number(quantity);
      return;
    }
    this.whole += Number(quantity.slice(0, dot) || '0');
    const digits = quantity.slice(dot + 1, dot + 9);
    if (digits) this.fraction += Number(digits) * 10 ** (8 - digits.length);
  }

  addSum(other: VolumeSum): void {
    this.whole += other.whole;
    this.fraction += other.fraction;
  }

  isZero(): boolean {
    return this.whole === 0 && this.fraction === 0;
  }

  toString(): string {
    const whole = this.whole + Math.floor(this.fraction / SCALE);
    const fraction = this.fraction % SCALE;
    if (!fraction) return String(whole);
    return `${whole}.${String(fraction).padStart(8, '0').replace(/0+$/, '')}`;
  }
}
