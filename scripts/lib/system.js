'use strict';
// Helpers shared by `npm start`, `npm test` and `npm run bench`. Plain Node (no dependencies) because they run
// before `npm ci` has installed anything.
const { spawnSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const DATA_DIR = path.join(ROOT, '.data');

function log(message) {
  process.stdout.write(`[aristobot] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`\n[aristobot] ÉCHEC : ${message}\n\n`);
  process.exit(1);
}

/** Runs a command, inheriting stdio; returns the exit code. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** Runs a command and returns its trimmed stdout; throws with its stderr when it fails. */
function capture(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: ROOT, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} a échoué (${result.status}) : ${result.stderr || result.stdout}`);
  }
  return result.stdout.trim();
}

function which(binary) {
  const result = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

let aptUpdated = false;
/** Installs Debian packages with the system's package manager (root, or sudo when available). */
function aptInstall(packages) {
  if (!which('apt-get'))
    fail(`impossible d'installer ${packages.join(', ')} : apt-get est absent. Installez-les à la main.`);
  const prefix = isRoot ? [] : which('sudo') ? ['sudo', '-n'] : null;
  if (!prefix) fail(`installez ${packages.join(', ')} (apt-get install) ou lancez en root.`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const exec = (args) => {
    const [cmd, ...rest] = [...prefix, ...args];
    return run(cmd, rest, { env });
  };
  if (!aptUpdated) {
    log('apt-get update');
    if (exec(['apt-get', 'update', '-qq']) !== 0) fail('apt-get update a échoué');
    aptUpdated = true;
  }
  log(`apt-get install ${packages.join(' ')}`);
  if (exec(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages]) !== 0) {
    fail(`apt-get install ${packages.join(' ')} a échoué`);
  }
}

/**
 * Installs the npm dependencies, at the versions pinned in package-lock.json, when node_modules is missing or older
 * than the lock. `npm install` rather than `npm ci`: with this machine's `omit-lockfile-registry-resolved`, npm 11
 * leaves other platforms' optional binaries out of the lock and `npm ci` then refuses it as out of sync.
 */
function ensureDependencies() {
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(ROOT, 'package-lock.json');
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  // isolated-vm and tulind compile from source when no prebuilt binary can be downloaded.
  const missingTools = ['g++', 'make', 'python3'].filter((tool) => !which(tool));
  if (missingTools.length) aptInstall(missingTools);
  log('npm install (installation des dépendances)');
  if (run('npm', ['install', '--no-audit', '--no-fund']) !== 0) fail("l'installation des dépendances a échoué");
}

function isPortFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free TCP port on loopback: `preferred` when it is free, otherwise one the kernel picks. */
async function freePort(preferred) {
  if (preferred && (await isPortFree(preferred))) return preferred;
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readJson(file, fallback) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return fallback;
  }
}

function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
}

/** Spawns a long-running child that shares our terminal. */
function spawnChild(command, args, options = {}) {
  return spawn(command, args, { stdio: 'inherit', cwd: ROOT, ...options });
}

module.exports = {
  ROOT,
  DATA_DIR,
  log,
  fail,
  run,
  capture,
  which,
  isRoot,
  aptInstall,
  ensureDependencies,
  freePort,
  isAlive,
  readJson,
  writeJson,
  spawnChild,
};
