'use strict';
// Local PostgreSQL and Redis under .data/, started on free loopback ports when DATABASE_URL / REDIS_URL are not
// given. A server already running from an earlier or concurrent `npm start` / `npm test` is reused, and only the
// servers this call started are stopped by `stop()`.
const { createHash, randomBytes } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const {
  ROOT,
  DATA_DIR,
  log,
  fail,
  run,
  capture,
  which,
  isRoot,
  aptInstall,
  freePort,
  isAlive,
  readJson,
  writeJson,
} = require('./system');

const STATE_FILE = path.join(DATA_DIR, 'services.json');
const PG_USER = 'aristobot';

function secret() {
  return randomBytes(18).toString('base64url');
}

function loadState() {
  const state = readJson(STATE_FILE, {});
  if (!state.pgPassword) state.pgPassword = secret();
  if (!state.redisPassword) state.redisPassword = secret();
  return state;
}

function findPgBin() {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return null;
  const versions = fs
    .readdirSync(base)
    .filter((v) => fs.existsSync(path.join(base, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], 'bin') : null;
}

/** Runs a PostgreSQL server binary as the `postgres` user when we are root (initdb and postgres refuse root). */
function asPostgres(binary, args) {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
}

/**
 * The cluster directory. As root, the cluster must belong to `postgres`; when that user cannot reach the project
 * folder (a clone under /root, say), the cluster lives under /var/lib/aristobot and .data/pg links to it.
 */
function pgDataDir() {
  const local = path.join(DATA_DIR, 'pg');
  if (!isRoot) return local;
  if (fs.existsSync(local)) return fs.realpathSync(local);
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const probe = path.join(DATA_DIR, '.probe');
  fs.mkdirSync(probe, { recursive: true });
  capture('chown', ['postgres:postgres', probe]);
  const reachable = run('runuser', ['-u', 'postgres', '--', 'test', '-w', probe], { stdio: 'ignore' }) === 0;
  fs.rmSync(probe, { recursive: true, force: true });
  if (reachable) return local;
  const hash = createHash('sha1').update(DATA_DIR).digest('hex').slice(0, 12);
  const outside = path.join('/var/lib/aristobot', hash, 'pg');
  fs.mkdirSync(outside, { recursive: true });
  fs.symlinkSync(outside, local);
  return outside;
}

function runningPgPort(dir) {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return null;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  return isAlive(pid) ? Number(lines[3]) : null;
}

async function startPostgres(state) {
  let bin = findPgBin();
  if (!bin) {
    aptInstall(['postgresql']);
    bin = findPgBin();
    if (!bin) fail('PostgreSQL est introuvable après installation (/usr/lib/postgresql/*/bin)');
  }
  const dir = pgDataDir();
  const running = runningPgPort(dir);
  if (running) {
    state.pgPort = running;
    return { port: running, started: false, stop: () => {} };
  }
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    log(`initdb ${dir}`);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pwFile = path.join(dir, '..', `pg-init-${process.pid}`);
    fs.writeFileSync(pwFile, state.pgPassword + '\n', { mode: 0o600 });
    if (isRoot) capture('chown', ['-R', 'postgres:postgres', dir, pwFile]);
    const [cmd, args] = asPostgres(path.join(bin, 'initdb'), [
      '-D',
      dir,
      '-U',
      PG_USER,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      `--pwfile=${pwFile}`,
      '--encoding=UTF8',
      '--locale=C.UTF-8',
    ]);
    const code = run(cmd, args, { cwd: '/', stdio: ['ignore', 'ignore', 'inherit'] });
    fs.rmSync(pwFile, { force: true });
    if (code !== 0) fail('initdb a échoué');
  }
  const port = await freePort(state.pgPort);
  state.pgPort = port;
  const logFile = path.join(dir, '..', 'postgresql.log');
  if (isRoot && !fs.existsSync(logFile)) {
    fs.writeFileSync(logFile, '');
    capture('chown', ['postgres:postgres', logFile]);
  }
  const [cmd, args] = asPostgres(path.join(bin, 'pg_ctl'), [
    '-D',
    dir,
    '-l',
    logFile,
    '-w',
    '-t',
    '60',
    '-o',
    `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c max_connections=200 -c timezone=UTC`,
    'start',
  ]);
  log(`PostgreSQL sur 127.0.0.1:${port}`);
  if (run(cmd, args, { cwd: '/', stdio: ['ignore', 'ignore', 'inherit'] }) !== 0)
    fail(`PostgreSQL n'a pas démarré (voir ${logFile})`);
  return {
    port,
    started: true,
    stop: () => {
      const [c, a] = asPostgres(path.join(bin, 'pg_ctl'), ['-D', dir, '-m', 'fast', '-w', 'stop']);
      run(c, a, { cwd: '/', stdio: 'ignore' });
    },
  };
}

function psql(state, sql) {
  const bin = findPgBin();
  return capture(
    path.join(bin, 'psql'),
    ['-h', '127.0.0.1', '-p', String(state.pgPort), '-U', PG_USER, '-d', 'postgres', '-tAc', sql],
    {
      env: { ...process.env, PGPASSWORD: state.pgPassword },
    },
  );
}

function ensureDatabase(state, name, { recreate = false } = {}) {
  const exists = psql(state, `SELECT 1 FROM pg_database WHERE datname = '${name}'`) === '1';
  if (exists && recreate) {
    psql(state, `DROP DATABASE "${name}" WITH (FORCE)`);
  }
  if (!exists || recreate) psql(state, `CREATE DATABASE "${name}"`);
  return `postgres://${PG_USER}:${encodeURIComponent(state.pgPassword)}@127.0.0.1:${state.pgPort}/${name}`;
}

async function startRedis(state) {
  let binary = which('redis-server');
  if (!binary) {
    aptInstall(['redis-server']);
    binary = which('redis-server');
    if (!binary) fail('redis-server est introuvable après installation');
  }
  const dir = path.join(DATA_DIR, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  const pidFile = path.join(dir, 'redis.pid');
  const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) : 0;
  if (pid && isAlive(pid) && state.redisPort) {
    return { port: state.redisPort, started: false, stop: () => {} };
  }
  const port = await freePort(state.redisPort);
  state.redisPort = port;
  log(`Redis sur 127.0.0.1:${port}`);
  // noeviction: BullMQ loses jobs silently under any other policy.
  const code = run(binary, [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--daemonize',
    'yes',
    '--pidfile',
    pidFile,
    '--logfile',
    path.join(dir, 'redis.log'),
    '--maxmemory-policy',
    'noeviction',
    '--appendonly',
    'yes',
    '--save',
    '',
    '--requirepass',
    state.redisPassword,
  ]);
  if (code !== 0) fail("redis-server n'a pas démarré");
  for (let i = 0; i < 100 && !fs.existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 50));
  return {
    port,
    started: true,
    stop: () => {
      if (!fs.existsSync(pidFile)) return;
      const p = Number(fs.readFileSync(pidFile, 'utf8'));
      if (p && isAlive(p)) process.kill(p, 'SIGTERM');
    },
  };
}

/**
 * Makes DATABASE_URL and REDIS_URL available: the ones given in the environment, or local servers under .data/.
 * @param {{database: string, redisDb: number, recreateDatabase?: boolean}} options
 * @returns {Promise<{env: Record<string,string>, stop: () => void}>}
 */
async function provision({ database, redisDb, recreateDatabase = false }) {
  const env = {};
  const stops = [];
  const state = loadState();
  if (process.env.DATABASE_URL) {
    env.DATABASE_URL = process.env.DATABASE_URL;
  } else {
    const pg = await startPostgres(state);
    writeJson(path.join(DATA_DIR, 'services.json'), state);
    if (pg.started) stops.push(pg.stop);
    env.DATABASE_URL = ensureDatabase(state, database, { recreate: recreateDatabase });
  }
  if (process.env.REDIS_URL) {
    env.REDIS_URL = process.env.REDIS_URL;
  } else {
    const redis = await startRedis(state);
    if (redis.started) stops.push(redis.stop);
    env.REDIS_URL = `redis://:${encodeURIComponent(state.redisPassword)}@127.0.0.1:${redis.port}/${redisDb}`;
  }
  writeJson(STATE_FILE, state);
  return {
    env,
    stop: () => {
      for (const stop of stops.reverse()) stop();
    },
  };
}

/** The local SECRET_KEY, generated once into .data/secret_key. */
function localSecretKey() {
  const file = path.join(DATA_DIR, 'secret_key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(DATA_DIR, { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString('base64url') + '\n', { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

/**
 * The environment of a throwaway run (tests, benches): the provisioned services, NODE_ENV=test, a fixed
 * non-production SECRET_KEY, quiet logs, and the shared fixtures beside the clone unless ARISTOBOT_FIXTURES says
 * otherwise.
 */
function scratchEnv(services, extra = {}) {
  return {
    ...process.env,
    ...services.env,
    NODE_ENV: 'test',
    SECRET_KEY: process.env.SECRET_KEY || 'scratch-secret-key-not-for-production-00',
    LOG_LEVEL: process.env.LOG_LEVEL || 'silent',
    ARISTOBOT_FIXTURES: process.env.ARISTOBOT_FIXTURES || path.resolve(ROOT, '..', 'shared', 'fixtures'),
    // Strategy isolates (isolated-vm) need it on Node ≥ 20, in Jest and the benches as in the worker.
    NODE_OPTIONS: [process.env.NODE_OPTIONS, '--no-node-snapshot'].filter(Boolean).join(' '),
    ...extra,
  };
}

module.exports = { provision, localSecretKey, scratchEnv };
