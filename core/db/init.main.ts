import { config } from '../config';
import { createDb, migrateLatest } from './knex';
import { seedUsers } from './seed';

/** `npm run init`: migrations, then the users dev and dac. Run by `npm start` before the processes. */
async function main(): Promise<void> {
  const cfg = config();
  const db = createDb(cfg.DATABASE_URL, { min: 0, max: 2 });
  try {
    const applied = await migrateLatest(db);
    if (applied.length) process.stdout.write(`[aristobot] migrations appliquées : ${applied.join(', ')}\n`);
    const seeded = await seedUsers({ dac: cfg.DAC_PASSWORD, dev: cfg.DEV_PASSWORD });
    for (const user of seeded) {
      const note = user.generatedPassword
        ? `mot de passe généré (affiché une seule fois) : ${user.generatedPassword}`
        : 'mot de passe pris dans l’environnement';
      process.stdout.write(`[aristobot] utilisateur « ${user.username} » créé — ${note}\n`);
    }
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
