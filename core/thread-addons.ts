import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Gives this worker thread its own instance of tulind before anything requires it. tulind is not context-aware:
 * Node loads such an addon once per process, and a second thread's require fails ("Module did not self-register").
 * A copy of its file is another library to the dynamic loader, so it loads again; the copy is unlinked once loaded.
 * Import this module first in a thread's entry.
 */
function loadOwnTulind(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const preGyp = require('@mapbox/node-pre-gyp') as { find(packageJson: string): string };
  const original = preGyp.find(require.resolve('tulind/package.json'));
  const dir = mkdtempSync(path.join(tmpdir(), 'aristobot-tulind-'));
  try {
    const copy = path.join(dir, 'tulind.node');
    copyFileSync(original, copy);
    const addon = new Module(original);
    process.dlopen(addon, copy);
    addon.filename = original;
    addon.loaded = true;
    require.cache[original] = addon;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

loadOwnTulind();
