import type { BalanceLine } from '../../core/brokers/paper-account';
import type { Broker } from '../../core/db/models';
import { findExchange, type ExchangeInfo } from '../../core/exchanges/catalog';

// The JSON of the broker routes; the web app reads its types from here. Dates go out as ISO strings (res.json).

/** A broker as its owner sees it: never its credentials, a masked hint of them. */
export function brokerView(b: Broker) {
  return {
    id: b.id,
    name: b.name,
    exchange: b.exchange,
    exchangeName: findExchange(b.exchange)?.name ?? b.exchange,
    credentialsHint: b.credentials_hint,
    isDefault: b.is_default,
    isTestnet: b.is_testnet,
    isActive: b.is_active,
    validatedAt: b.validated_at,
    createdAt: b.created_at,
  };
}
export type BrokerView = ReturnType<typeof brokerView>;

/** `GET /api/exchanges`: what a broker can be opened on. */
export type ExchangeChoice = Pick<ExchangeInfo, 'id' | 'name' | 'requiredCredentials' | 'sandbox'>;

/** `POST /api/brokers` (with the balance that tested it) and `PUT /api/brokers/:id` (with it when it was tested). */
export interface BrokerSaved {
  broker: BrokerView;
  balance?: BalanceLine[];
}

/** `POST /api/brokers/:id/test`. */
export interface BrokerBalance {
  balance: BalanceLine[];
}

/** `POST /api/brokers/:id/markets`: the exchange whose markets are reloading, and the job doing it. */
export interface MarketsReload {
  exchange: string;
  jobId: string;
}
