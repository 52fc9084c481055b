import type { Knex } from 'knex';
import { Dec as Decimal, trimDecimal, trimNullableDecimal } from '../decimal';
import { ExchangeError } from '../exchanges/errors';
import { limitFill, marketableLimitFill, marketFill, reservation, type Fill } from '../trading/fill-model';
import type { CheckedOrder } from '../trading/order-check';
import { orderRefusalReason } from '../trading/order-messages';
import { OrderRefusedError } from '../trading/order-refusal';
import type { MarketRules, OrderView } from '../trading/orders';
import type { Candle, Venue } from '../trading/venue';
import { paperBalance, type BalanceLine } from './paper-account';

interface PaperOrderRow {
  id: number;
  client_order_id: string;
  symbol: string;
  base: string;
  quote: string;
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  status: 'open' | 'closed' | 'canceled';
  amount: string;
  price: string | null;
  filled: string;
  average: string | null;
  cost: string;
  fee: string | null;
  reserved: string;
  maker_fee: string | null;
  created_at: Date;
}

const NAME = 'Paper trading';

/**
 * The built-in paper exchange: a simulated account in `paper_balances` and `paper_orders`, filled by the shared fill
 * model at the real prices of a public source (ccxt's public endpoints of PAPER_PRICE_SOURCE). Each operation runs
 * in one transaction with the account's balances locked, so two orders never spend the same funds.
 */
export class PaperVenue implements Venue {
  readonly name = NAME;

  constructor(
    private readonly db: Knex,
    private readonly brokerId: number,
    /** Reached only when prices or markets are needed, so the account stays readable when the source is not. */
    private readonly source: () => Promise<Venue>,
    private readonly slippage: string,
  ) {}

  async market(symbol: string): Promise<MarketRules> {
    return (await this.source()).market(symbol);
  }

  async tickers(symbols?: string[]): Promise<Record<string, string>> {
    return (await this.source()).tickers(symbols);
  }

  async ohlcv(symbol: string, timeframe: string, since?: number, limit?: number): Promise<Candle[]> {
    return (await this.source()).ohlcv(symbol, timeframe, since, limit);
  }

  async balance(): Promise<BalanceLine[]> {
    await this.settle();
    return paperBalance(this.db, this.brokerId);
  }

  async createOrder(order: CheckedOrder, clientOrderId: string): Promise<OrderView> {
    const market = await this.market(order.symbol);
    const last = (await this.tickers([order.symbol]))[order.symbol];
    if (!last) throw new ExchangeError('NO_PRICE', `Pas de prix pour ${order.symbol}`, 'unavailable');
    const fill =
      order.type === 'market'
        ? marketFill(order.side, order.amount, last, market, this.slippage)
        : marketableLimitFill({ ...order, price: order.price! }, last, market, this.slippage);
    return this.db.transaction(async (trx) => {
      await this.lockAccount(trx);
      const duplicate = await trx('paper_orders').where({ broker_id: this.brokerId, client_order_id: clientOrderId });
      if (duplicate.length) throw new ExchangeError('DUPLICATE_ORDER', 'Ordre déjà envoyé', 'rejected');
      const row = {
        broker_id: this.brokerId,
        client_order_id: clientOrderId,
        symbol: order.symbol,
        base: market.base,
        quote: market.quote,
        side: order.side,
        type: order.type,
        amount: order.amount,
        price: order.price,
        maker_fee: market.makerFee,
      };
      if (fill) {
        await this.pay(trx, order.side, market, fill, null);
        const [saved] = await trx('paper_orders')
          .insert({ ...row, status: 'closed', ...this.filled(fill) })
          .returning('*');
        return this.view(saved as PaperOrderRow);
      }
      const locked = reservation({ ...order, price: order.price! }, market);
      const asset = locked.asset === 'base' ? market.base : market.quote;
      await this.take(trx, asset, locked.amount, 'free', 'used');
      const [saved] = await trx('paper_orders')
        .insert({ ...row, status: 'open', reserved: locked.amount })
        .returning('*');
      return this.view(saved as PaperOrderRow);
    });
  }

  async findByClientOrderId(_symbol: string, clientOrderId: string): Promise<OrderView | null> {
    await this.settle();
    const row: PaperOrderRow | undefined = await this.db('paper_orders')
      .where({ broker_id: this.brokerId, client_order_id: clientOrderId })
      .first();
    return row ? this.view(row) : null;
  }

  async fetchOrder(id: string): Promise<OrderView> {
    await this.settle();
    return this.view(await this.row(this.db, id));
  }

  async cancelOrder(id: string): Promise<OrderView> {
    await this.settle();
    return this.db.transaction(async (trx) => {
      await this.lockAccount(trx);
      const order = await this.row(trx, id);
      if (order.status !== 'open') {
        throw new ExchangeError(
          'ORDER_NOT_OPEN',
          `Ordre ${id} déjà ${order.status === 'closed' ? 'exécuté' : 'annulé'}`,
          'rejected',
        );
      }
      await this.take(trx, order.side === 'sell' ? order.base : order.quote, order.reserved, 'used', 'free');
      const [saved] = await trx('paper_orders')
        .where({ id: order.id })
        .update({ status: 'canceled', reserved: 0, updated_at: new Date() })
        .returning('*');
      return this.view(saved as PaperOrderRow);
    });
  }

  async openOrders(symbol?: string): Promise<OrderView[]> {
    await this.settle();
    const rows: PaperOrderRow[] = await this.db('paper_orders')
      .where({ broker_id: this.brokerId, status: 'open', ...(symbol ? { symbol } : {}) })
      .orderBy('id');
    return rows.map((r) => this.view(r));
  }

  /** Fills the resting limit orders the market has traded through since they were placed. */
  async settle(): Promise<void> {
    const open: PaperOrderRow[] = await this.db('paper_orders').where({ broker_id: this.brokerId, status: 'open' });
    if (!open.length) return;
    const prices = await this.tickers([...new Set(open.map((o) => o.symbol))]);
    for (const candidate of open) {
      const last = prices[candidate.symbol];
      if (!last) continue;
      const fees = { makerFee: candidate.maker_fee, takerFee: null };
      if (!limitFill({ ...candidate, price: candidate.price! }, { low: last, high: last }, fees)) continue;
      await this.db.transaction(async (trx) => {
        await this.lockAccount(trx);
        const order = await this.row(trx, String(candidate.id));
        if (order.status !== 'open') return;
        const fill = limitFill({ ...order, price: order.price! }, { low: last, high: last }, fees)!;
        await this.pay(trx, order.side, order, fill, order.reserved);
        await trx('paper_orders')
          .where({ id: order.id })
          .update({ status: 'closed', reserved: 0, ...this.filled(fill), updated_at: new Date() });
      });
    }
  }

  private filled(fill: Fill) {
    return { filled: fill.amount, average: fill.price, cost: fill.cost, fee: fill.fee };
  }

  /**
   * Settles a fill: a buy pays cost + fee in the quote and receives the base; a sell gives the base and receives
   * cost − fee. `reserved` is what a resting order had locked (taken from `used` instead of `free`).
   */
  private async pay(
    trx: Knex.Transaction,
    side: 'buy' | 'sell',
    market: { base: string; quote: string },
    fill: Fill,
    reserved: string | null,
  ): Promise<void> {
    const spent = side === 'buy' ? new Decimal(fill.cost).plus(fill.fee) : new Decimal(fill.amount);
    const spentAsset = side === 'buy' ? market.quote : market.base;
    if (reserved !== null) {
      await this.take(trx, spentAsset, reserved, 'used', null);
      const change = new Decimal(reserved).minus(spent);
      if (!change.isZero()) await this.credit(trx, spentAsset, change.toFixed());
    } else {
      await this.take(trx, spentAsset, spent.toFixed(), 'free', null);
    }
    const received = side === 'buy' ? new Decimal(fill.amount) : new Decimal(fill.cost).minus(fill.fee);
    await this.credit(trx, side === 'buy' ? market.base : market.quote, received.toFixed());
  }

  /** Moves `amount` of `asset` out of `from` (into `to`, or out of the account), refusing to go below zero. */
  private async take(
    trx: Knex.Transaction,
    asset: string,
    amount: string,
    from: 'free' | 'used',
    to: 'free' | 'used' | null,
  ): Promise<void> {
    const row: { free: string; used: string } | undefined = await trx('paper_balances')
      .where({ broker_id: this.brokerId, asset })
      .first('free', 'used');
    const available = new Decimal(row?.[from] ?? 0);
    if (available.lt(amount)) {
      const asked = trimDecimal(new Decimal(amount).toFixed());
      const params = { asked, asset, available: trimDecimal(available.toFixed()) };
      throw new OrderRefusedError(
        'INSUFFICIENT_FUNDS',
        orderRefusalReason('insufficientFunds', null, params),
        'amount',
      );
    }
    const patch: Record<string, Knex.Raw> = { [from]: trx.raw('?? - ?', [from, amount]) };
    if (to) patch[to] = trx.raw('?? + ?', [to, amount]);
    await trx('paper_balances')
      .where({ broker_id: this.brokerId, asset })
      .update({ ...patch, updated_at: new Date() });
  }

  private async credit(trx: Knex.Transaction, asset: string, amount: string): Promise<void> {
    await trx('paper_balances')
      .insert({ broker_id: this.brokerId, asset, free: amount, used: 0 })
      .onConflict(['broker_id', 'asset'])
      .merge({ free: trx.raw('paper_balances.free + excluded.free'), updated_at: new Date() });
  }

  private async lockAccount(trx: Knex.Transaction): Promise<void> {
    await trx('brokers').where({ id: this.brokerId }).forUpdate().first('id');
  }

  private async row(db: Knex, id: string): Promise<PaperOrderRow> {
    // Ids are bigint serials; a longer run of digits (past 2⁵³ it would not even be read back exactly) is no order.
    const row: PaperOrderRow | undefined =
      /^\d+$/.test(id) && Number.isSafeInteger(Number(id))
        ? await db('paper_orders')
            .where({ broker_id: this.brokerId, id: Number(id) })
            .first()
        : undefined;
    if (!row) throw new ExchangeError('ORDER_NOT_FOUND', `Ordre introuvable sur ${NAME} : ${id}`, 'not_found');
    return row;
  }

  private view(row: PaperOrderRow): OrderView {
    const text = trimNullableDecimal;
    return {
      id: String(row.id),
      clientOrderId: row.client_order_id,
      symbol: row.symbol,
      side: row.side,
      type: row.type,
      status: row.status,
      amount: text(row.amount)!,
      price: text(row.price),
      filled: text(row.filled)!,
      average: text(row.average),
      cost: text(row.cost)!,
      fee: text(row.fee),
      feeCurrency: row.fee === null ? null : row.quote,
      timestamp: new Date(row.created_at).getTime(),
    };
  }
}
