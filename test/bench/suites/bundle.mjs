import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { log } from '../lib/cleanup.mjs';
import { requireBuilt, WEB_DIST } from '../lib/paths.mjs';
import { round } from '../lib/server-process.mjs';

export const BUNDLE_BUDGET_KB = 400; // DESIGN.md §8: initial JS of the web app, gzip

const INDEX_HTML = path.join(WEB_DIST, 'index.html');
const BUILD_REPORT = path.join(WEB_DIST, 'bundle-size.json');

/**
 * DESIGN.md §8 "initial JS ≤ 400 KB gzip", measured on the files in web/dist: the entry script and
 * modulepreload tags of index.html (what every page load fetches), and with the first view's lazy
 * chunks as listed by the build's report (web/vite.config.ts writes bundle-size.json). Sizes are
 * recomputed here with node:zlib at the default level, like the build's own report, so a stale or
 * missing report cannot hide a regression.
 */
export function runBundle() {
  requireBuilt([INDEX_HTML]);
  const html = readFileSync(INDEX_HTML, 'utf8');
  const initial = [
    ...html.matchAll(/<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g),
    ...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g),
  ].map((match) => match[1].replace(/^\//, ''));
  if (initial.length === 0) throw new Error(`no module script in ${INDEX_HTML}`);

  const report = existsSync(BUILD_REPORT) ? JSON.parse(readFileSync(BUILD_REPORT, 'utf8')) : null;
  if (!report) log(`bundle: ${BUILD_REPORT} missing; first-view size not measured`);
  const withFirstView = [...new Set([...initial, ...(report?.files ?? [])])];
  const missing = withFirstView.filter((file) => !existsSync(path.join(WEB_DIST, file)));
  if (missing.length > 0) {
    // web/dist is rebuilt by `pnpm build`; a report naming files that are gone is from another build.
    throw new Error(`web/dist is inconsistent (rebuilt meanwhile?): missing ${missing.join(', ')}`);
  }

  const files = withFirstView.sort().map((file) => {
    const code = readFileSync(path.join(WEB_DIST, file));
    const gzipBytes = gzipSync(code).length;
    return {
      file,
      initial: initial.includes(file),
      kB: round(code.length / 1024),
      gzipKB: round(gzipBytes / 1024),
      gzipBytes,
    };
  });
  const gzipKB = (list) => round(list.reduce((sum, file) => sum + file.gzipBytes, 0) / 1024);
  const initialJsGzipKB = gzipKB(files.filter((file) => file.initial));
  const withFirstViewGzipKB = report ? gzipKB(files) : null;
  // `/` lands on the team view: the stricter reading (entry + first view) is what decides.
  const decisive = withFirstViewGzipKB ?? initialJsGzipKB;
  log(`bundle: initial JS ${initialJsGzipKB} KB gzip, with first view ${withFirstViewGzipKB} KB`);
  return {
    bundle: {
      initialJsGzipKB,
      withFirstViewGzipKB,
      budgetKB: BUNDLE_BUDGET_KB,
      withinBudget: decisive <= BUNDLE_BUDGET_KB,
      budgetAppliedTo: report ? 'withFirstViewGzipKB' : 'initialJsGzipKB',
      buildReport: report
        ? {
            initialJsGzipKB: report.initialJsGzipKb,
            withFirstViewGzipKB: report.initialJsWithFirstViewGzipKb,
          }
        : null,
      files: files.map(({ gzipBytes: _bytes, ...file }) => file),
    },
  };
}
