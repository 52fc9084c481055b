import type { TradeView } from '../trading/orders';

// Types only, free of the database and the queues: the web app's Trading BOT store reads its replies with them.

export type ActivationState = 'active' | 'suspended' | 'stopped';

/** An activation's open position as the Trading BOT page shows it; decimals as strings. */
export interface ActivationPositionView {
  id: number;
  side: 'long' | 'short';
  quantity: string;
  entryPrice: string;
  stopLoss: string | null;
  takeProfit: string | null;
  lastPrice: string | null;
  unrealizedPnl: string | null;
  openedAt: string;
  /** Its stop-loss and take-profit rest as orders at the exchange (the bot watches them otherwise). */
  protectedAtExchange: boolean;
}

/** An activation as the API and the `live:activation` listeners see it (the Trading BOT page's store types its replies with it). */
export interface ActivationView {
  id: number;
  strategyId: number;
  strategyName: string;
  brokerId: number;
  brokerName: string;
  /** The broker's exchange id (`paper` for a paper broker). */
  exchange: string;
  symbol: string;
  timeframe: string;
  market: 'spot' | 'futures';
  startDate: string;
  endDate: string;
  budget: string | null;
  /** Whether its open position is closed at market once the end date passes (while active). */
  closeAtEnd: boolean;
  /** Where its positions' stop-loss and take-profit are watched: by the bot every minute, or as orders at the exchange. */
  protection: 'bot' | 'exchange';
  state: ActivationState;
  suspendedBy: 'user' | 'errors' | 'emergency' | null;
  lastError: string | null;
  lastErrorAt: string | null;
  errorCount: number;
  lastCloseTime: string | null;
  position: ActivationPositionView | null;
  realizedPnl: string;
  /** The last trades of the activation, newest first; only where asked for (the list and one activation). */
  trades?: TradeView[];
}
