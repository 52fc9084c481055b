import { writeFileSync } from 'node:fs';

/** Percentile of sorted samples (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** Prints one figure with the size of the work it was measured on. */
export function report(name: string, value: number, unit: string, work: string): void {
  process.stdout.write(
    `  ${name.padEnd(34)} ${value.toFixed(value < 10 ? 3 : 1).padStart(12)} ${unit.padEnd(8)} (${work})\n`,
  );
}

/** Writes a bench's figures where `npm run bench` collects them (its first argument). */
export function save(results: Record<string, number>): void {
  const out = process.argv[2];
  if (out) writeFileSync(out, JSON.stringify(results));
}
