import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const at = (relative) => fileURLToPath(new URL(relative, import.meta.url));

export const REPO_ROOT = at('../../../');
export const SERVER_DIST = at('../../../server/dist/');
export const SERVER_MAIN = at('../../../server/dist/main.js');
export const PROTOCOL_DIST = at('../../../packages/protocol/dist/index.js');
export const WEB_DIST = at('../../../web/dist/');

/** The harness runs against built code; say how to build it instead of failing obscurely. */
export function requireBuilt(files = [SERVER_MAIN, PROTOCOL_DIST]) {
  const missing = files.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `not built: ${missing.join(', ')}. Run \`pnpm build\` (or \`pnpm bench\`, which builds).`,
    );
  }
}
