import { Dec } from '../../core/decimal';
import { entryQuantity, floorToStep, quantityText, type SizeRefusal } from '../../core/engine/sizing';
import type { WebhookSignal } from '../../core/webhooks/parse';
import type { SourceSize } from '../../core/webhooks/source-view';
import type { BrokerRequests } from '../../queues/broker-client';
import type { LiveMarket } from '../strategy/live-context';
import type { LegOwner } from '../strategy/live-orders';

const REFUSALS: Record<SizeRefusal, string> = {
  too_small: "taille : trop petite pour le pas de quantité de l'exchange",
  min_amount: "taille : sous la quantité minimale de l'exchange",
  min_cost: "taille : sous le montant minimal d'un ordre de l'exchange",
};

/**
 * The quantity an entry orders, on the market's grid and within its minimums, with the engine's sizing (the same as
 * backtests and strategies): a quantity as given, a quote amount or a percent of the free quote balance at the
 * expected price (the limit, or the last price), fee included.
 */
export async function entrySize(
  broker: BrokerRequests,
  owner: LegOwner,
  market: LiveMarket,
  size: SourceSize,
  signal: Pick<WebhookSignal, 'type' | 'price'>,
  side: 'long' | 'short',
): Promise<string | { refusal: string }> {
  const price =
    signal.type === 'limit' && signal.price !== null
      ? Number(signal.price)
      : Number((await broker.call('tickers', { brokerId: owner.brokerId, symbols: [owner.symbol] }))[owner.symbol]);
  if (!(price > 0)) return { refusal: `prix : pas de dernier prix connu pour ${owner.symbol}` };
  const fee = market.costs.fees.takerFee ?? 0;
  const expected = price * (1 + (side === 'long' ? market.costs.slippage : -market.costs.slippage));
  if ('quantity' in size) {
    const quantity = floorToStep(Number(size.quantity), market.sizing);
    if (!(quantity > 0)) return { refusal: REFUSALS.too_small };
    if (quantity < market.sizing.minAmount) return { refusal: REFUSALS.min_amount };
    if (quantity * expected < market.sizing.minCost) return { refusal: REFUSALS.min_cost };
    return quantityText(quantity, market.sizing);
  }
  const lines = await broker.call('balance', { brokerId: owner.brokerId });
  const free = Dec(lines.find((line) => line.asset === market.quote)?.free ?? '0').toNumber();
  const budget = 'quoteAmount' in size ? Number(size.quoteAmount) : (free * Number(size.percent)) / 100;
  const sized = entryQuantity(budget, free, expected, fee, market.sizing);
  if (sized.refusal !== null) {
    return { refusal: free <= 0 ? `solde : aucun ${market.quote} disponible` : REFUSALS[sized.refusal] };
  }
  return quantityText(sized.quantity, market.sizing);
}
