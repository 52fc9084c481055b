// The web app's first load: the JavaScript a browser downloads before it shows the first page (the login page:
// the entry chunk and everything it imports statically), and with the default page after sign-in (Heartbeat).
// Pages load lazily (frontend/src/router.ts); this figure keeps a library import from sliding back into the
// entry. The UI is built into a temporary folder from the current sources, so a stale dist/ is never measured.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../core/paths';
import { report, save } from './harness';

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
}

/** The files a chunk needs before it runs: itself and its static imports, each once. */
function staticClosure(manifest: Record<string, ManifestChunk>, key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const imported of manifest[key]?.imports ?? []) staticClosure(manifest, imported, seen);
  return seen;
}

function main(): void {
  const out = mkdtempSync(path.join(tmpdir(), 'aristobot-ui-'));
  try {
    execFileSync(
      process.execPath,
      [
        path.join(PROJECT_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
        'build',
        '--config',
        'frontend/vite.config.mts',
        '--outDir',
        out,
        '--emptyOutDir',
        '--logLevel',
        'error',
      ],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const manifest = JSON.parse(readFileSync(path.join(out, '.vite', 'manifest.json'), 'utf8')) as Record<
      string,
      ManifestChunk
    >;
    const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
    if (!entry) throw new Error('no entry chunk in the manifest');
    const kb = (keys: Set<string>) =>
      [...keys].reduce((sum, key) => sum + statSync(path.join(out, manifest[key].file)).size, 0) / 1000;
    const first = staticClosure(manifest, entry);
    const heartbeat = Object.keys(manifest).find((key) => key.endsWith('views/HeartbeatView.vue'));
    const signedIn = heartbeat ? staticClosure(manifest, heartbeat, new Set(first)) : first;
    const allJs = Object.values(manifest).filter((chunk) => chunk.file.endsWith('.js')).length;

    const ui_initial_js_kb = kb(first);
    report('ui_initial_js_kb', ui_initial_js_kb, 'kB', `${first.size} of ${allJs} JS chunks, login page, minified`);
    const ui_signed_in_js_kb = kb(signedIn);
    report('ui_signed_in_js_kb', ui_signed_in_js_kb, 'kB', `${signedIn.size} chunks, Heartbeat page after sign-in`);
    save({ ui_initial_js_kb, ui_signed_in_js_kb });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

main();
