/**
 * What the server names in French and the page shows in the user's language: the paper exchange (the catalog calls
 * it "Paper trading (simulé)") and ccxt's credential fields (core/exchanges/credential-labels.ts), by their ids.
 */
export const brokerFr = {
  'exchange.paper': 'Paper trading (simulé)',
  'credential.apiKey': 'Clé API',
  'credential.secret': 'Secret',
  'credential.password': 'Passphrase',
  'credential.uid': 'UID',
  'credential.accountId': 'Identifiant de compte',
  'credential.login': 'Login',
  'credential.twofa': '2FA',
  'credential.privateKey': 'Clé privée',
  'credential.walletAddress': 'Adresse du portefeuille',
  'credential.token': 'Jeton',
  'brokers.saved': '« {name} » enregistré',
} as const;

export const brokerEn: Record<keyof typeof brokerFr, string> = {
  'exchange.paper': 'Paper trading (simulated)',
  'credential.apiKey': 'API key',
  'credential.secret': 'Secret',
  'credential.password': 'Passphrase',
  'credential.uid': 'UID',
  'credential.accountId': 'Account ID',
  'credential.login': 'Login',
  'credential.twofa': '2FA',
  'credential.privateKey': 'Private key',
  'credential.walletAddress': 'Wallet address',
  'credential.token': 'Token',
  'brokers.saved': '“{name}” saved',
};
