// Binance REST documents built from the documented formats, for a clone without the shared fixtures: the fake
// serves the real ones (../shared/fixtures/binance) when they are there, these otherwise. Same keys, same filter
// list and order, numbers as strings with 8 decimals as Binance writes them.

const d8 = (value: string) => Number(value).toFixed(8);

interface SymbolRules {
  symbol: string;
  base: string;
  quote: string;
  tickSize: string;
  maxPrice: string;
  stepSize: string;
  maxQty: string;
  marketMaxQty: string;
  minNotional: string;
}

// The six pairs of the trimmed real exchangeInfo, with Binance's usual rules for pairs of their kind.
const SYMBOLS: SymbolRules[] = [
  ['BTCUSDT', 'BTC', 'USDT', '0.01', '1000000', '0.00001', '9000', '100', '5'],
  ['ETHUSDT', 'ETH', 'USDT', '0.01', '1000000', '0.0001', '9000', '3000', '5'],
  ['ETHBTC', 'ETH', 'BTC', '0.00001', '922327', '0.0001', '100000', '5000', '0.0001'],
  ['BNBBTC', 'BNB', 'BTC', '0.000001', '100000', '0.001', '100000', '5000', '0.0001'],
  ['XRPETH', 'XRP', 'ETH', '0.0000001', '1000', '1', '90000000', '200000', '0.001'],
  ['BNBUSDT', 'BNB', 'USDT', '0.1', '100000', '0.001', '900000', '20000', '5'],
].map(([symbol, base, quote, tickSize, maxPrice, stepSize, maxQty, marketMaxQty, minNotional]) => ({
  symbol: symbol!,
  base: base!,
  quote: quote!,
  tickSize: tickSize!,
  maxPrice: maxPrice!,
  stepSize: stepSize!,
  maxQty: maxQty!,
  marketMaxQty: marketMaxQty!,
  minNotional: minNotional!,
}));

function symbolEntry(rules: SymbolRules) {
  return {
    symbol: rules.symbol,
    status: 'TRADING',
    baseAsset: rules.base,
    baseAssetPrecision: 8,
    quoteAsset: rules.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
    icebergAllowed: true,
    ocoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: true,
    filters: [
      {
        filterType: 'PRICE_FILTER',
        minPrice: d8(rules.tickSize),
        maxPrice: d8(rules.maxPrice),
        tickSize: d8(rules.tickSize),
      },
      { filterType: 'LOT_SIZE', minQty: d8(rules.stepSize), maxQty: d8(rules.maxQty), stepSize: d8(rules.stepSize) },
      { filterType: 'ICEBERG_PARTS', limit: 10 },
      { filterType: 'MARKET_LOT_SIZE', minQty: d8('0'), maxQty: d8(rules.marketMaxQty), stepSize: d8('0') },
      {
        filterType: 'TRAILING_DELTA',
        minTrailingAboveDelta: 10,
        maxTrailingAboveDelta: 2000,
        minTrailingBelowDelta: 10,
        maxTrailingBelowDelta: 2000,
      },
      {
        filterType: 'PERCENT_PRICE_BY_SIDE',
        bidMultiplierUp: '5',
        bidMultiplierDown: '0.2',
        askMultiplierUp: '5',
        askMultiplierDown: '0.2',
        avgPriceMins: 5,
      },
      {
        filterType: 'NOTIONAL',
        minNotional: d8(rules.minNotional),
        applyMinToMarket: true,
        maxNotional: d8('9000000'),
        applyMaxToMarket: false,
        avgPriceMins: 5,
      },
      { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
      { filterType: 'MAX_NUM_ALGO_ORDERS', maxNumAlgoOrders: 5 },
    ],
    permissions: ['SPOT', 'MARGIN'],
    defaultSelfTradePreventionMode: 'NONE',
    allowedSelfTradePreventionModes: ['NONE', 'EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
  };
}

/** GET /api/v3/exchangeInfo, as a JSON string. */
export function generatedExchangeInfo(): string {
  return JSON.stringify({
    timezone: 'UTC',
    serverTime: Date.UTC(2023, 8, 8, 15, 6, 1),
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 50 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 160000 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
    ],
    exchangeFilters: [],
    symbols: SYMBOLS.map(symbolEntry),
  });
}

/** GET /api/v3/ticker/24hr for one symbol; the fake overwrites the symbol, prices and close time. */
export const GENERATED_TICKER: Record<string, unknown> = {
  symbol: 'BTCUSDT',
  priceChange: '1000.00000000',
  priceChangePercent: '1.500',
  weightedAvgPrice: '67000.00000000',
  prevClosePrice: '66000.00000000',
  lastPrice: '67000.00000000',
  lastQty: '0.10000000',
  bidPrice: '66999.99000000',
  bidQty: '1.00000000',
  askPrice: '67000.00000000',
  askQty: '1.00000000',
  openPrice: '66000.00000000',
  highPrice: '68000.00000000',
  lowPrice: '65000.00000000',
  volume: '50000.00000000',
  quoteVolume: '3350000000.00000000',
  openTime: 1_700_000_000_000,
  closeTime: 1_700_086_400_000,
  firstId: 3_000_000_000,
  lastId: 3_003_000_000,
  count: 3_000_001,
};

/** GET /api/v3/account; the fake puts the account's balances and the time in. */
export const GENERATED_ACCOUNT: Record<string, unknown> = {
  makerCommission: 10,
  takerCommission: 10,
  buyerCommission: 0,
  sellerCommission: 0,
  commissionRates: { maker: '0.00100000', taker: '0.00100000', buyer: '0.00000000', seller: '0.00000000' },
  canTrade: true,
  canWithdraw: true,
  canDeposit: true,
  brokered: false,
  requireSelfTradePrevention: false,
  preventSor: false,
  updateTime: 0,
  accountType: 'SPOT',
  balances: [],
  permissions: ['SPOT'],
  uid: 100_000_001,
};
