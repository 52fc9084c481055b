import type { Knex } from 'knex';
import { paperBalance, type BalanceLine } from '../../core/brokers/paper-account';
import { decryptCredentials } from '../../core/crypto/credentials';
import { findExchange, PAPER } from '../../core/exchanges/catalog';
import type { ExchangeClients } from '../../core/exchanges/ccxt-client';
import { ExchangeError, mapExchangeError } from '../../core/exchanges/errors';

interface BrokerRow {
  id: number;
  user_id: number;
  exchange: string;
  is_testnet: boolean;
  credentials_enc: string | null;
  updated_at: Date;
}

/**
 * What the broker actor does for one job. The only code that calls an exchange's private API; every ccxt error
 * is mapped here, once.
 */
export class BrokerOperations {
  constructor(
    private readonly db: Knex,
    private readonly clients: ExchangeClients,
    private readonly secretKey: string,
  ) {}

  async balance(brokerId: number): Promise<BalanceLine[]> {
    const broker = await this.broker(brokerId);
    if (broker.exchange === PAPER) return paperBalance(this.db, broker.id);
    const name = findExchange(broker.exchange)?.name ?? broker.exchange;
    try {
      const exchange = await this.exchange(broker);
      const balance = await exchange.fetchBalance();
      const totals = (balance.total ?? {}) as unknown as Record<string, number | undefined>;
      const free = (balance.free ?? {}) as unknown as Record<string, number | undefined>;
      const used = (balance.used ?? {}) as unknown as Record<string, number | undefined>;
      return Object.keys(totals)
        .filter((asset) => Number(totals[asset]) > 0)
        .sort()
        .map((asset) => ({
          asset,
          free: exchange.numberToString(free[asset] ?? 0),
          used: exchange.numberToString(used[asset] ?? 0),
          total: exchange.numberToString(totals[asset] ?? 0),
        }));
    } catch (error) {
      throw mapExchangeError(error, name);
    }
  }

  private async broker(brokerId: number): Promise<BrokerRow> {
    const row = await this.db<BrokerRow>('brokers').where({ id: brokerId }).first();
    if (!row) throw new ExchangeError('BROKER_NOT_FOUND', 'Broker introuvable', 'not_found');
    return row;
  }

  private exchange(broker: BrokerRow) {
    if (!broker.credentials_enc) {
      throw new ExchangeError('BROKER_NO_CREDENTIALS', 'Ce broker n’a pas de clés API', 'auth', 'credentials');
    }
    const credentials = decryptCredentials(broker.credentials_enc, this.secretKey, broker.user_id);
    return this.clients.forBroker(
      broker.id,
      broker.updated_at.toISOString(),
      broker.exchange,
      broker.is_testnet,
      credentials,
    );
  }
}
