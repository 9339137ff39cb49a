// `pnpm start` and `pnpm test` (the browser tests use the built app) rebuild the web app only when
// a source is newer than the last build: an unchanged checkout then costs no Vite build
// (DESIGN.md §8: later starts ≤ 5 s).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = fileURLToPath(new URL('..', import.meta.url));
const sources = [
  join(web, 'src'),
  join(web, 'index.html'),
  join(web, 'vite.config.ts'),
  join(web, 'package.json'),
  join(web, '../packages/protocol/src'),
  join(web, '../packages/domain/src'),
];
const built = join(web, 'dist/index.html');

function newestChange(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

if (
  !existsSync(built) ||
  Math.max(...sources.filter(existsSync).map(newestChange)) > statSync(built).mtimeMs
) {
  execFileSync('pnpm', ['exec', 'vite', 'build'], { cwd: web, stdio: 'inherit' });
}
