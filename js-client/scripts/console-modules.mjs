// The package's two modules are the console's own files, never copies kept in the repository:
// `npm pack` copies them here from server/src/main/resources/console/ (prepack) and removes them
// once the tarball is written (postpack). The server serves the same files at /console/.
//
//   node scripts/console-modules.mjs copy | clean

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CONSOLE = path.resolve(PACKAGE, '..', 'server', 'src', 'main', 'resources', 'console');
export const MODULES = ['haven-client.js', 'haven-crypto.js'];

const command = process.argv[2];
if (command === 'copy') {
  for (const name of MODULES) {
    fs.copyFileSync(path.join(CONSOLE, name), path.join(PACKAGE, name));
  }
} else if (command === 'clean') {
  for (const name of MODULES) {
    fs.rmSync(path.join(PACKAGE, name), { force: true });
  }
} else {
  console.error('usage: node scripts/console-modules.mjs copy | clean');
  process.exitCode = 2;
}
