import { knexConfig } from './core/db/knex';

// For the knex CLI (`npm run migrate`); the app itself migrates through core/db/init.main.ts.
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL manquante');

export default knexConfig(databaseUrl);
