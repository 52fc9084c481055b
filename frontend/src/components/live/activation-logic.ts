import type { Activation } from '@/api/live';
import type { DisplayZone } from '@/format/date-format';

/**
 * A `datetime-local` field's value ("2026-12-02T08:30") as the ISO instant the API takes, read in the zone the user
 * reads their dates in: UTC, or the browser's own. Null when the field is empty or not a date.
 */
export function fieldToIso(value: string, zone: DisplayZone): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const date = new Date(zone === 'UTC' ? `${value}Z` : value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** An instant as a `datetime-local` value in the user's zone, to the minute. */
export function isoToField(instant: number | string | Date, zone: DisplayZone): string {
  const date = new Date(instant);
  const shifted = zone === 'UTC' ? date : new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

/** What the list says of an activation: its state, and for an active one whether it waits for its start or ended. */
export type ActivationPhase =
  'running' | 'waiting' | 'ended' | 'suspendedUser' | 'suspendedErrors' | 'suspendedEmergency' | 'stopped';

export function phaseOf(
  a: Pick<Activation, 'state' | 'suspendedBy' | 'startDate' | 'endDate'>,
  now: number,
): ActivationPhase {
  if (a.state === 'stopped') return 'stopped';
  if (a.state === 'suspended') {
    if (a.suspendedBy === 'errors') return 'suspendedErrors';
    if (a.suspendedBy === 'emergency') return 'suspendedEmergency';
    return 'suspendedUser';
  }
  if (now < Date.parse(a.startDate)) return 'waiting';
  if (now >= Date.parse(a.endDate)) return 'ended';
  return 'running';
}

/** The badge colour of a phase (classes of theme.css). */
export const PHASE_TONE: Record<ActivationPhase, 'ok' | 'ko' | 'info' | ''> = {
  running: 'ok',
  waiting: 'info',
  ended: '',
  suspendedUser: 'info',
  suspendedErrors: 'ko',
  suspendedEmergency: 'ko',
  stopped: '',
};

/** Which buttons a row offers: a stopped activation only sells what it still holds. */
export function actionsOf(a: Pick<Activation, 'state' | 'position'>): {
  suspend: boolean;
  resume: boolean;
  stop: boolean;
  sell: boolean;
} {
  return {
    suspend: a.state === 'active',
    resume: a.state === 'suspended',
    stop: a.state !== 'stopped',
    sell: a.position !== null,
  };
}

/** Green for a gain, red for a loss, nothing for zero or no figure. */
export function pnlTone(value: string | null | undefined): 'buy' | 'sell' | '' {
  if (!value || /^-?0*(\.0*)?$/.test(value)) return '';
  return value.startsWith('-') ? 'sell' : 'buy';
}

/** The quote currency of a pair ("BTC/USDT:USDT" → "USDT"), in which its P&L is counted. */
export function quoteOf(symbol: string): string {
  return symbol.split('/')[1]?.split(':')[0] ?? '';
}

/** The base asset of a pair ("BTC/USDT" → "BTC"), in which its quantities are counted. */
export function baseOf(symbol: string): string {
  return symbol.split('/')[0] ?? '';
}
