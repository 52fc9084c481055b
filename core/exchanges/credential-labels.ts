/** French names of ccxt's credential fields, for the brokers form and the API's messages. */
export const CREDENTIAL_LABELS: Record<string, string> = {
  apiKey: 'Clé API',
  secret: 'Secret',
  password: 'Passphrase',
  uid: 'UID',
  accountId: 'Identifiant de compte',
  login: 'Login',
  twofa: '2FA',
  privateKey: 'Clé privée',
  walletAddress: 'Adresse du portefeuille',
  token: 'Jeton',
};
