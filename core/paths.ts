import { existsSync } from 'node:fs';
import path from 'node:path';

/** The project root, whether running from TypeScript sources or from the compiled dist/. */
export const PROJECT_ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) || path.basename(dir) === 'dist') {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
})();

/** Where `npm run build:ui` puts the web app. */
export const UI_DIST = path.join(PROJECT_ROOT, 'dist', 'frontend');
