// What the Trading BOT page derives from an activation: the dates the form sends, the state it shows, the buttons it
// offers, the colour of a P&L.
import { describe, expect, it } from 'vitest';
import { actionsOf, baseOf, fieldToIso, isoToField, phaseOf, pnlTone, quoteOf } from './activation-logic';

const RANGE = { startDate: '2026-12-01T00:00:00.000Z', endDate: '2026-12-10T00:00:00.000Z' };

describe('activation logic', () => {
  it('reads the date fields in UTC when the user reads UTC, and back', () => {
    expect(fieldToIso('2026-12-02T08:30', 'UTC')).toBe('2026-12-02T08:30:00.000Z');
    expect(isoToField('2026-12-02T08:30:59.000Z', 'UTC')).toBe('2026-12-02T08:30');
    expect(fieldToIso('', 'UTC')).toBeNull();
    expect(fieldToIso('2026-13-45T99:00', 'UTC')).toBeNull();
    expect(fieldToIso('hier', 'local')).toBeNull();
  });

  it("reads them in the browser's zone otherwise, round trip included", () => {
    const local = isoToField('2026-12-02T08:30:00.000Z', 'local');
    expect(fieldToIso(local, 'local')).toBe('2026-12-02T08:30:00.000Z');
    expect(fieldToIso('2026-12-02T08:30', 'local')).toBe(new Date(2026, 11, 2, 8, 30).toISOString());
  });

  it('tells a running activation from one waiting, ended, suspended (and why) or stopped', () => {
    const at = (iso: string) => Date.parse(iso);
    const active = { ...RANGE, state: 'active' as const, suspendedBy: null };
    expect(phaseOf(active, at('2026-12-05T00:00:00Z'))).toBe('running');
    expect(phaseOf(active, at('2026-11-30T23:59:59Z'))).toBe('waiting');
    expect(phaseOf(active, at('2026-12-10T00:00:00Z'))).toBe('ended');
    const suspended = { ...RANGE, state: 'suspended' as const };
    expect(phaseOf({ ...suspended, suspendedBy: 'user' }, 0)).toBe('suspendedUser');
    expect(phaseOf({ ...suspended, suspendedBy: 'errors' }, 0)).toBe('suspendedErrors');
    expect(phaseOf({ ...suspended, suspendedBy: 'emergency' }, 0)).toBe('suspendedEmergency');
    expect(phaseOf({ ...RANGE, state: 'stopped', suspendedBy: null }, at('2026-12-05T00:00:00Z'))).toBe('stopped');
  });

  it('offers suspend or resume by state, stop until stopped, sell only with a position', () => {
    const position = { id: 1 } as never;
    expect(actionsOf({ state: 'active', position: null })).toEqual({
      suspend: true,
      resume: false,
      stop: true,
      sell: false,
    });
    expect(actionsOf({ state: 'suspended', position })).toEqual({
      suspend: false,
      resume: true,
      stop: true,
      sell: true,
    });
    expect(actionsOf({ state: 'stopped', position })).toEqual({
      suspend: false,
      resume: false,
      stop: false,
      sell: true,
    });
  });

  it('colours gains and losses, not zero', () => {
    expect(pnlTone('12.5')).toBe('buy');
    expect(pnlTone('-0.01')).toBe('sell');
    expect(pnlTone('0')).toBe('');
    expect(pnlTone('-0.000')).toBe('');
    expect(pnlTone(null)).toBe('');
  });

  it('names the assets of a pair', () => {
    expect(quoteOf('BTC/USDT')).toBe('USDT');
    expect(quoteOf('BTC/USDT:USDT')).toBe('USDT');
    expect(baseOf('ETH/BTC')).toBe('ETH');
  });
});
