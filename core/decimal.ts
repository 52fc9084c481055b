/** A PostgreSQL numeric as text without its padding zeros ('0.001413420000000000' → '0.00141342'). */
export function trimDecimal(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}
