'use strict';
// `npm start`: from a fresh clone to a running Aristobot. Installs dependencies, provisions PostgreSQL and Redis
// under .data/ unless DATABASE_URL / REDIS_URL are set, builds, migrates, seeds, then runs the Procfile with foreman.
const path = require('node:path');
const http = require('node:http');
const { ROOT, log, fail, run, ensureDependencies, freePort, spawnChild } = require('./lib/system');
const { provision, localSecretKey } = require('./lib/services');

function waitForHealth(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve) => {
    const attempt = () => {
      const req = http.get({ host: '127.0.0.1', port, path: '/api/health', timeout: 1000 }, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', retry);
      req.on('timeout', () => req.destroy());
    };
    const retry = () => (Date.now() > deadline ? resolve(false) : setTimeout(attempt, 300));
    attempt();
  });
}

async function main() {
  const startedAt = Date.now();
  ensureDependencies();
  const services = await provision({ database: 'aristobot', redisDb: 0 });
  const env = { ...process.env, ...services.env };
  env.NODE_ENV = env.NODE_ENV || 'development';
  if (!env.SECRET_KEY && env.NODE_ENV !== 'production') env.SECRET_KEY = localSecretKey();
  if (!env.PORT) env.PORT = String(await freePort(3000));

  log('compilation (serveur et interface)');
  if (run('npm', ['run', '--silent', 'build'], { env }) !== 0) {
    services.stop();
    fail('la compilation a échoué');
  }
  if (run('node', ['dist/core/db/init.main.js'], { env }) !== 0) {
    services.stop();
    fail('la migration ou la création des utilisateurs a échoué');
  }

  const foreman = spawnChild(path.join(ROOT, 'node_modules', '.bin', 'nf'), ['start', '--procfile', 'Procfile'], {
    env,
  });
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    log('arrêt en cours…');
    foreman.kill('SIGINT');
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  foreman.on('exit', (code) => {
    services.stop();
    log('arrêté.');
    process.exit(stopping ? 0 : (code ?? 1));
  });

  const host = env.PUBLIC_URL || `http://localhost:${env.PORT}`;
  if (await waitForHealth(Number(env.PORT), 120_000)) {
    log(`Aristobot est prêt en ${Math.round((Date.now() - startedAt) / 1000)} s : ${host}  (Ctrl-C pour arrêter)`);
  } else if (!stopping) {
    log(`le serveur web ne répond pas encore sur ${host}`);
  }
}

main().catch((error) => fail(error.stack || String(error)));
