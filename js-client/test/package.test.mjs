// The package as an integrator gets it: `npm pack`, the tarball installed into a directory of its
// own, its declarations compiled by a strict TypeScript consumer, and its modules run in Node.js
// against a real Haven node. The server's JsClientPackageIT runs this against an in-process node.
//
//   HAVEN_URL=http://127.0.0.1:8080 node test/package.test.mjs
//
// Environment:
//   HAVEN_URL               a Haven node in dev mode (required): tokens come from its POST /dev/token
//   HAVEN_WORK              where the tarball, the consumer and frames-js.jsonl go (default: a new
//                           temporary directory)
//   HAVEN_PROTOCOL_VERSION  the node's protocol version: the package's major version must be it
//
// Steps: protocol.d.ts is what scripts/protocol-types.mjs makes of the JSON Schema now; `npm pack`
// (its prepack copies the console's two modules in, postpack takes them out); the tarball holds
// exactly the package's files, its modules byte for byte the console's; `npm install --offline` of
// the tarball into WORK/app (no dependencies, so no network), with `ws` and the types linked from
// this package's devDependencies; the declarations compile alone, and test/consumer/consumer.ts
// against them (strict); every export and public member of the modules is declared, and every
// declared one exists; then test/consumer/scenario.mjs runs against the node. Exits 0 on success,
// 1 on the first failure.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { difference } from '../scripts/protocol-types.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PACKAGE = path.resolve(HERE, '..');
const CONSOLE = path.resolve(PACKAGE, '..', 'server', 'src', 'main', 'resources', 'console');
const BASE = (process.env.HAVEN_URL || '').replace(/\/+$/, '');
const WORK = process.env.HAVEN_WORK
  ? path.resolve(process.env.HAVEN_WORK)
  : fs.mkdtempSync(path.join(os.tmpdir(), 'haven-js-client-'));
const APP = path.join(WORK, 'app');
const INSTALLED = path.join(APP, 'node_modules', '@haven', 'client');
const MODULES = ['haven-client.js', 'haven-crypto.js'];
const PACKED = ['README.md', 'haven-client.d.ts', 'haven-client.js', 'haven-crypto.d.ts', 'haven-crypto.js',
  'package.json', 'protocol.d.ts'];

function fail(message) {
  throw new Error(message);
}

async function step(name, fn) {
  const started = Date.now();
  await fn();
  console.log(`  ok   ${name} (${Date.now() - started} ms)`);
}

/** Runs a command to its end; fails with its output when it exits non-zero. */
function run(command, args, cwd) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (r.error?.code === 'ENOENT') fail(`${command} is missing: install Node.js's npm (scripts/test.sh does)`);
  if (r.error) fail(`${command} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) fail(`${command} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

let tarball;

async function main() {
  if (!BASE) fail('HAVEN_URL is not set (e.g. HAVEN_URL=http://127.0.0.1:8080)');
  fs.mkdirSync(WORK, { recursive: true });
  console.log(`js-client package test: node ${process.version}, work in ${WORK}`);

  await step('protocol.d.ts is what the JSON Schema gives', async () => {
    const problem = difference();
    if (problem) fail(problem);
  });

  await step('npm pack: the package\'s files, and the console\'s modules as they are', async () => {
    for (const f of fs.readdirSync(WORK).filter((f) => f.endsWith('.tgz'))) fs.rmSync(path.join(WORK, f));
    const out = run('npm', ['pack', '--json', '--loglevel=error', '--pack-destination', WORK], PACKAGE);
    // Lifecycle scripts may print before the JSON: it is the last array in the output.
    const [packed] = JSON.parse(out.slice(out.lastIndexOf('\n[') + 1));
    tarball = path.join(WORK, packed.filename);
    const files = packed.files.map((f) => f.path).sort();
    if (JSON.stringify(files) !== JSON.stringify(PACKED)) {
      fail(`the tarball holds ${files.join(', ')}; expected ${PACKED.join(', ')}`);
    }
    for (const name of MODULES) {
      if (fs.existsSync(path.join(PACKAGE, name))) fail(`${name} was left in js-client/ after packing (postpack)`);
    }
  });

  await step('npm install of the tarball into a directory of its own, offline', async () => {
    fs.rmSync(APP, { recursive: true, force: true });
    fs.mkdirSync(APP, { recursive: true });
    fs.writeFileSync(path.join(APP, 'package.json'),
      `${JSON.stringify({ name: 'haven-client-consumer', private: true, type: 'module' }, null, 2)}\n`);
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', tarball], APP);
    for (const name of MODULES) {
      const installed = fs.readFileSync(path.join(INSTALLED, name));
      if (!installed.equals(fs.readFileSync(path.join(CONSOLE, name)))) {
        fail(`the installed ${name} is not the console's server/src/main/resources/console/${name}`);
      }
    }
    const { version } = JSON.parse(fs.readFileSync(path.join(INSTALLED, 'package.json'), 'utf8'));
    const { PROTOCOL_VERSIONS } = await import(pathToFileURL(path.join(INSTALLED, 'haven-client.js')).href);
    const major = Number(version.split('.')[0]);
    if (major !== Math.max(...PROTOCOL_VERSIONS)) {
      fail(`version ${version}: its major version must be the newest protocol version the client speaks (${PROTOCOL_VERSIONS})`);
    }
    if (process.env.HAVEN_PROTOCOL_VERSION && major !== Number(process.env.HAVEN_PROTOCOL_VERSION)) {
      fail(`version ${version}: the node speaks protocol ${process.env.HAVEN_PROTOCOL_VERSION}`);
    }
    // What a consumer would install beside it (ws for Node < 22, the types for TypeScript), linked
    // from this package's devDependencies so the test needs no network.
    fs.symlinkSync(path.join(PACKAGE, 'node_modules', 'ws'), path.join(APP, 'node_modules', 'ws'), 'dir');
    fs.symlinkSync(path.join(PACKAGE, 'node_modules', '@types'), path.join(APP, 'node_modules', '@types'), 'dir');
    for (const f of ['consumer.ts', 'tsconfig.json', 'scenario.mjs']) {
      fs.copyFileSync(path.join(HERE, 'consumer', f), path.join(APP, f));
    }
  });

  let declarations;
  await step('the declarations compile alone, strict, with neither DOM nor Node.js types', async () => {
    const roots = ['haven-client.d.ts', 'haven-crypto.d.ts', 'protocol.d.ts'].map((f) => path.join(INSTALLED, f));
    declarations = ts.createProgram({
      rootNames: roots,
      options: {
        strict: true,
        exactOptionalPropertyTypes: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        lib: ['lib.es2022.d.ts'],
        types: [],
      },
    });
    check(declarations);
  });

  await step('a strict TypeScript consumer compiles against the installed package', async () => {
    // skipLibCheck (tsconfig.json): the declarations were checked above; checking the DOM's and
    // Node.js's too would take most of this test's time.
    const config = ts.getParsedCommandLineOfConfigFile(path.join(APP, 'tsconfig.json'), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    });
    const consumer = ts.createProgram({ rootNames: config.fileNames, options: config.options });
    check(consumer);
    for (const name of ['haven-client.d.ts', 'haven-crypto.d.ts', 'protocol.d.ts']) {
      if (!declaration(consumer, name)) fail(`the consumer did not load the installed ${name}`);
    }
  });

  await step('every export and public member is declared, and every declared one exists', async () => {
    const program = declarations;
    const checker = program.getTypeChecker();
    const client = await import(pathToFileURL(path.join(INSTALLED, 'haven-client.js')).href);
    const crypto = await import(pathToFileURL(path.join(INSTALLED, 'haven-crypto.js')).href);
    const problems = [];
    const compare = (what, declared, actual) => {
      const missing = [...actual].filter((n) => !declared.has(n));
      const extra = [...declared].filter((n) => !actual.has(n));
      if (missing.length > 0) problems.push(`${what}: not declared: ${missing.join(', ')}`);
      if (extra.length > 0) problems.push(`${what}: declared but not there: ${extra.join(', ')}`);
    };
    const clientExports = valueExports(checker, declaration(program, 'haven-client.d.ts'));
    const cryptoExports = valueExports(checker, declaration(program, 'haven-crypto.d.ts'));
    compare('haven-client.js exports', new Set(clientExports.keys()), new Set(Object.keys(client)));
    compare('haven-crypto.js exports', new Set(cryptoExports.keys()), new Set(Object.keys(crypto)));
    const haven = new client.HavenClient('ws://127.0.0.1:9/ws', { WebSocket: class {} });
    compare('HavenClient members', members(checker, clientExports.get('HavenClient')), publicMembers(haven));
    const keys = await crypto.generateDeviceKeys('probe', 'p256', 0);
    compare('DeviceKeys members', members(checker, cryptoExports.get('DeviceKeys')), publicMembers(keys));
    if (problems.length > 0) fail(problems.join('\n'));
  });

  await step('Node.js with the installed package against the node', async () => {
    const health = await fetch(`${BASE}/healthz`).catch((e) => fail(`the node at ${BASE} cannot be reached: ${e.message}`));
    if (!health.ok) fail(`${BASE}/healthz answered ${health.status}`);
    const { run: scenario } = await import(pathToFileURL(path.join(APP, 'scenario.mjs')).href);
    await scenario({
      base: BASE,
      framesFile: path.join(WORK, 'frames-js.jsonl'),
      step: (name, fn) => step(`  ${name}`, fn),
    });
  });
}

/** Fails with the compiler's messages when `program` has any. */
function check(program) {
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) {
    fail(ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => APP,
      getNewLine: () => '\n',
    }));
  }
}

function declaration(program, name) {
  return program.getSourceFiles().find((f) => f.fileName.endsWith(`/@haven/client/${name}`));
}

/** The exports of a declaration file that are values (classes, functions, constants), by name. */
function valueExports(checker, sourceFile) {
  const out = new Map();
  for (const symbol of checker.getExportsOfModule(checker.getSymbolAtLocation(sourceFile))) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    if (target.flags & ts.SymbolFlags.Value) out.set(symbol.name, target);
  }
  return out;
}

/** The public instance members a class declares. */
function members(checker, classSymbol) {
  const names = new Set();
  for (const p of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(classSymbol))) {
    const modifiers = ts.getCombinedModifierFlags(p.valueDeclaration ?? p.declarations[0]);
    if (!(modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected))) names.add(p.name);
  }
  return names;
}

/** An object's public members: own properties and its class's methods, but for `_`-prefixed ones. */
function publicMembers(object) {
  const names = new Set(Object.keys(object));
  for (const n of Object.getOwnPropertyNames(Object.getPrototypeOf(object))) names.add(n);
  names.delete('constructor');
  return new Set([...names].filter((n) => !n.startsWith('_')));
}

try {
  await main();
  console.log('js-client package test passed');
  process.exit(0);
} catch (e) {
  console.error(`FAILED: ${e.message}`);
  process.exit(1);
}
