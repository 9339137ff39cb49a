// `pnpm start`: the dashboard on the embedded database with demo data (issue 13: first data ≤ 15 s
// after `pnpm install` on a fresh clone, ≤ 5 s on later starts).
//
// - The server and the packages it runs are transpiled, not type-checked: oxc (rolldown's
//   transform, as the tests run the same sources) turns each changed .ts file into its dist/.js in
//   milliseconds, where `tsc -b` spent about 25 s of CPU checking types on a fresh clone. Types are
//   checked by `pnpm typecheck` and `pnpm build` (whose tsc output this step leaves alone).
// - The web app is built (only when a source changed) in a child process while this process opens
//   the database, seeds and scores: the server answers a page request with "building" until
//   web/dist exists.
// - The data directory (.pulse/data) is kept: a later start reuses the seeded, scored demo.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'rolldown/utils';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Built in this order: the server imports both packages, the protocol imports the domain. */
const PACKAGES = ['packages/domain', 'packages/protocol', 'server'];

/** One JSON line as the server's logger writes them, so the start bench reads both alike. */
function logPhase(phase, started, cpuMs, detail) {
  const ms = Math.round(performance.now() - started);
  const cpu = cpuMs === null ? '' : ` (CPU ${(cpuMs / 1000).toFixed(2)} s)`;
  const msg = `${phase}: ${(ms / 1000).toFixed(2)} s${cpu}${detail ? `; ${detail}` : ''}`;
  process.stdout.write(
    `${JSON.stringify({ level: 30, time: Date.now(), context: 'Start', phase, ms, cpuMs, msg })}\n`,
  );
}

function typeScriptFiles(directory) {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const modifiedMs = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
};

/** Transpiles every source of `pkg` newer than its output (src/x.ts → dist/x.js, as tsc lays it out). */
function transpile(pkg) {
  const source = join(root, pkg, 'src');
  const output = join(root, pkg, 'dist');
  const tsconfig = join(root, pkg, 'tsconfig.json');
  let written = 0;
  for (const file of typeScriptFiles(source)) {
    const target = join(output, relative(source, file)).replace(/\.ts$/, '.js');
    if (modifiedMs(target) >= modifiedMs(file)) continue;
    // The package's tsconfig decides decorators and their metadata (Nest's injection reads it).
    const result = transformSync(file, readFileSync(file, 'utf8'), {
      tsconfig,
      target: 'es2023',
      sourcemap: true,
    });
    if (result.errors.length > 0) {
      throw new Error(`${relative(root, file)}: ${result.errors.map((error) => error.message).join('; ')}`);
    }
    mkdirSync(dirname(target), { recursive: true });
    const mapName = `${target.slice(dirname(target).length + 1)}.map`;
    writeFileSync(`${target}.map`, JSON.stringify(result.map));
    writeFileSync(target, `${result.code}\n//# sourceMappingURL=${mapName}\n`);
    written += 1;
  }
  return written;
}

const cpuMsSince = (cpu) => {
  const spent = process.cpuUsage(cpu);
  return Math.round((spent.user + spent.system) / 1000);
};

/** CPU milliseconds of this process's finished children (Linux /proc; null elsewhere). */
function childrenCpuMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10; // cutime + cstime, 100 ticks a second
  } catch {
    return null;
  }
}

function buildWebInBackground() {
  const started = performance.now();
  const childrenCpu = childrenCpuMs();
  const child = spawn(process.execPath, ['web/scripts/build-if-changed.mjs'], {
    cwd: root,
    stdio: 'inherit',
  });
  child.on('exit', (code, signal) => {
    if (code === 0) {
      const after = childrenCpuMs();
      return logPhase('build web', started, after === null ? null : after - childrenCpu);
    }
    // The API would run without pages: stop and say why instead.
    console.error(`The web build failed (${signal ?? `exit code ${code}`}); see its output above.`);
    process.exit(1);
  });
}

buildWebInBackground();
const started = performance.now();
const cpu = process.cpuUsage();
try {
  const written = PACKAGES.reduce((sum, pkg) => sum + transpile(pkg), 0);
  logPhase('compile server', started, cpuMsSince(cpu), `${written} files transpiled`);
} catch (error) {
  console.error(`Could not compile the server: ${error.message}`);
  process.exit(1);
}
// Loaded apart from running main.js (which starts the server as it loads) to time it on its own.
const loading = performance.now();
const loadingCpu = process.cpuUsage();
await import('../server/dist/app.js');
logPhase('load modules', loading, cpuMsSince(loadingCpu));
await import('../server/dist/main.js');
