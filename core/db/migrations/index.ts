import type { Knex } from 'knex';
import * as initialSchema from './001-initial-schema';
import * as paperBalances from './002-paper-balances';
import * as paperOrders from './003-paper-orders';
import * as exampleStrategies from './004-example-strategies';
import * as unsettledTradesIndex from './005-unsettled-trades-index';
import * as usernameKey from './006-username-key';
import * as candleSourceOwners from './007-candle-source-owners';
import * as liveTrading from './008-live-trading';
import * as webhooks from './009-webhooks';
import * as unifiedMarketSymbols from './010-unified-market-symbols';
import * as webhookIntake from './011-webhook-intake';
import * as balanceSnapshots from './012-balance-snapshots';
import * as tradesChangeSeq from './013-trades-change-seq';
import * as parameterSweeps from './014-parameter-sweeps';
import * as backtestEquity from './015-backtest-equity';
import * as backtestStoppedPhase from './016-backtest-stopped-phase';
import * as activationCloseAtEnd from './017-activation-close-at-end';
import * as tradeErrorReason from './018-trade-error-reason';
import * as exchangeProtection from './019-exchange-protection';

/**
 * Migrations are listed here rather than found on disk, so the same list runs from TypeScript (tests, tsx) and
 * from the compiled dist/ without any file-extension juggling. Append new ones; never reorder.
 */
const migrations: Record<string, Knex.Migration> = {
  '001-initial-schema': initialSchema,
  '002-paper-balances': paperBalances,
  '003-paper-orders': paperOrders,
  '004-example-strategies': exampleStrategies,
  '005-unsettled-trades-index': unsettledTradesIndex,
  '006-username-key': usernameKey,
  '007-candle-source-owners': candleSourceOwners,
  '008-live-trading': liveTrading,
  '009-webhooks': webhooks,
  '010-unified-market-symbols': unifiedMarketSymbols,
  '011-webhook-intake': webhookIntake,
  '012-balance-snapshots': balanceSnapshots,
  '013-trades-change-seq': tradesChangeSeq,
  '014-parameter-sweeps': parameterSweeps,
  '015-backtest-equity': backtestEquity,
  '016-backtest-stopped-phase': backtestStoppedPhase,
  '017-activation-close-at-end': activationCloseAtEnd,
  '018-trade-error-reason': tradeErrorReason,
  '019-exchange-protection': exchangeProtection,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};
