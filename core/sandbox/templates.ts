/** What a new strategy starts from in the editor: the contract, with every decision method. */
export const TEMPLATE_STRATEGY = `// Modèle de base d'une stratégie. Les bougies : this.candles.open / high / low / close / volume / time,
// des séries qui s'arrêtent à la bougie qui vient de clôturer : .at(-1) la dernière, .at(-2) la précédente.
// this.balance : le solde disponible (devise de cotation) ; this.position : null ou { side, entryPrice, quantity, … }.
// Les indicateurs : ta.ema(this.candles.close, 10), ta.rsi(this.candles.close, 14), ta.macd(…) (Tulip Indicators).
class MaNouvelleStrategie extends Strategy {
  init() {
    // Calculez ici vos indicateurs (une seule fois, sur toute la série).
  }

  shouldLong() {
    // Décide si on doit acheter
    return false;
  }

  shouldShort() {
    // En spot : signal de vente de la position ouverte ; en futures : ouverture d'un short
    return false;
  }

  calculatePositionSize() {
    // Montant engagé, en devise de cotation (ex. USDT)
    return 0;
  }

  calculateStopLoss() {
    // Stop loss en fraction du prix d'entrée (0.02 = 2 %), 0 pour aucun
    return 0;
  }

  calculateTakeProfit() {
    // Take profit en fraction du prix d'entrée (0.04 = 4 %), 0 pour aucun
    return 0;
  }
}
`;

/** The spec's example, seeded for every user: EMA 10 / EMA 20 crossing. */
export const EXAMPLE_STRATEGY = `// Croisement EMA 10 / EMA 20 : achat quand l'EMA 10 passe au-dessus de l'EMA 20, vente au croisement inverse.
class EmaCross extends Strategy {
  init() {
    this.fast = ta.ema(this.candles.close, 10);
    this.slow = ta.ema(this.candles.close, 20);
  }

  shouldLong() {
    if (this.candles.length < 21) return false; // pas assez de données
    return crossedAbove(this.fast, this.slow);
  }

  shouldShort() {
    if (this.candles.length < 21) return false;
    return crossedBelow(this.fast, this.slow);
  }

  calculatePositionSize() {
    return this.balance * 0.1; // 10 % du capital
  }

  calculateStopLoss() {
    return 0.02; // stop à -2 %
  }

  calculateTakeProfit() {
    return 0.04; // objectif à +4 %
  }
}
`;

/**
 * The example with its periods as parameters (`static params`): what the Backtest page's Optimisation varies, and
 * the strategy of the sweep benchmark. With its defaults it decides exactly as EXAMPLE_STRATEGY.
 */
export const TUNABLE_EMA_CROSS = `// Croisement EMA rapide / EMA lente, les périodes en paramètres : l'Optimisation du Backtest les fait varier.
class TunableEmaCross extends Strategy {
  static params = {
    fast: { default: 10, min: 5, max: 30, step: 5 },
    slow: { default: 20, min: 10, max: 60, step: 10 },
  };

  init() {
    this.fast = ta.ema(this.candles.close, this.params.fast);
    this.slow = ta.ema(this.candles.close, this.params.slow);
  }

  shouldLong() {
    if (this.candles.length <= this.params.slow) return false; // pas assez de données
    return crossedAbove(this.fast, this.slow);
  }

  shouldShort() {
    if (this.candles.length <= this.params.slow) return false;
    return crossedBelow(this.fast, this.slow);
  }

  calculatePositionSize() {
    return this.balance * 0.1; // 10 % du capital
  }

  calculateStopLoss() {
    return 0.02; // stop à -2 %
  }

  calculateTakeProfit() {
    return 0.04; // objectif à +4 %
  }
}
`;
