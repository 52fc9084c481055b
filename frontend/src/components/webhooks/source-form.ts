import type { SourceAction, SourceDraft, SourceSize, WebhookSource } from '@/api/webhooks';
import { parseDecimalInput, toDecimalInput } from '@/format/number-input';
import type { Language } from '@/format/number-format';

export type SizeKind = 'none' | 'quantity' | 'quoteAmount' | 'percent';

/** The source form as typed: numbers as the user writes them in their language. */
export interface SourceForm {
  name: string;
  brokerId: number | null;
  market: 'spot' | 'futures';
  symbol: string;
  sizeKind: SizeKind;
  sizeValue: string;
  actions: SourceAction[];
  passphrase: string;
  clearPassphrase: boolean;
  ipAllowlist: boolean;
  replayWindowS: string;
  dedupeWindowS: string;
  active: boolean;
}

export function formOf(
  source: WebhookSource | undefined,
  defaultBrokerId: number | null,
  language: Language,
): SourceForm {
  const [kind, value]: [SizeKind, string] = source?.size
    ? (Object.entries(source.size)[0] as [SizeKind, string])
    : ['none', ''];
  return {
    name: source?.name ?? '',
    brokerId: source?.brokerId ?? defaultBrokerId,
    market: source?.market ?? 'spot',
    symbol: source?.symbol ?? '',
    sizeKind: kind,
    sizeValue: value ? toDecimalInput(value, language) : '',
    actions: source ? [...source.actions] : ['buy', 'sell', 'close'],
    passphrase: '',
    clearPassphrase: false,
    ipAllowlist: source?.ipAllowlist ?? false,
    replayWindowS: source?.replayWindowS === null || !source ? '' : String(source.replayWindowS),
    dedupeWindowS: String(source?.dedupeWindowS ?? 60),
    active: source?.active ?? true,
  };
}

/** A field the browser refuses before asking the server, in the server's words (field named). */
export interface FormProblem {
  field: 'size' | 'replayWindowS' | 'dedupeWindowS';
  message: 'sizeNumber' | 'secondsNumber';
}

const SECONDS = /^\d+$/;

/**
 * The body to send: every field on a create; on an edit, the passphrase only when typed or cleared (the server
 * keeps the stored one otherwise). Sizes go as decimal strings with a dot, whatever the language.
 */
export function draftOf(
  form: SourceForm,
  language: Language,
  editing: boolean,
): { draft: SourceDraft } | { problem: FormProblem } {
  let size: SourceSize | null = null;
  if (form.sizeKind !== 'none') {
    const value = parseDecimalInput(form.sizeValue, language);
    if (value === null) return { problem: { field: 'size', message: 'sizeNumber' } };
    size = { [form.sizeKind]: value } as SourceSize;
  }
  const replay = form.replayWindowS.trim();
  if (replay && !SECONDS.test(replay)) return { problem: { field: 'replayWindowS', message: 'secondsNumber' } };
  const dedupe = form.dedupeWindowS.trim();
  if (!SECONDS.test(dedupe)) return { problem: { field: 'dedupeWindowS', message: 'secondsNumber' } };
  const draft: SourceDraft = {
    name: form.name,
    brokerId: form.brokerId ?? undefined,
    market: form.market,
    symbol: form.symbol.trim() || null,
    size,
    actions: form.actions,
    ipAllowlist: form.ipAllowlist,
    replayWindowS: replay ? Number(replay) : null,
    dedupeWindowS: Number(dedupe),
    active: form.active,
  };
  if (form.clearPassphrase) draft.passphrase = null;
  else if (form.passphrase) draft.passphrase = form.passphrase;
  else if (!editing) draft.passphrase = null;
  return { draft };
}
