// `pnpm start`: compiles the server (tsc -b, incremental) and builds the web app (only when a
// source changed) side by side, then runs the server in this process. Vite reads the packages'
// sources, not the server's compiled output, so neither build waits for the other: on a fresh
// clone the two together take the longer one's time instead of the sum (issue 13: first data
// ≤ 15 s after install).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? code})`)),
    );
  });
}

try {
  await Promise.all([
    run(process.execPath, [
      fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)),
      '-b',
      'server',
    ]),
    run(process.execPath, ['web/scripts/build-if-changed.mjs']),
  ]);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
await import('../server/dist/main.js');
