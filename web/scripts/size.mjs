// Prints what the sign-in page loads first — the scripts and styles the
// built index.html names and every module they import statically — and its
// gzip size, against the budget of PRODUCT.md §5 (≤ 350 KB compressed
// JS+CSS). Pages loaded later (React.lazy, routes.tsx) are not counted:
// they are fetched by dynamic import() only when opened. Exits 1 over budget.
//
//   node scripts/size.mjs [DIST]
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = process.argv[2] ?? 'dist';
const budget = 350 * 1024;
const html = readFileSync(join(dist, 'index.html'), 'utf8');

const roots = [
  ...html.matchAll(/<script[^>]*\bsrc="\/([^"]+)"/g),
  ...html.matchAll(/<link[^>]*\brel="(?:stylesheet|modulepreload)"[^>]*\bhref="\/([^"]+)"/g),
  ...html.matchAll(/<link[^>]*\bhref="\/([^"]+)"[^>]*\brel="(?:stylesheet|modulepreload)"/g),
].map((m) => m[1]);

// Static imports of a built chunk: `import x from"./a.js"`, `import"./b.js"`,
// `export*from"./c.js"`; never `import("./d.js")`, which is lazy.
const staticImport = /(?:\bimport|\bexport)\s*(?:[\w$*{}\s,]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+\.(?:js|css))["']/g;

const seen = new Set();
const queue = [...roots];
while (queue.length) {
  const file = queue.shift();
  if (seen.has(file)) continue;
  seen.add(file);
  if (!file.endsWith('.js')) continue;
  const code = readFileSync(join(dist, file), 'utf8');
  for (const m of code.matchAll(staticImport)) {
    queue.push(posix.normalize(posix.join(posix.dirname(file), m[1])));
  }
}

let raw = 0;
let gz = 0;
const rows = [];
for (const file of [...seen].sort()) {
  if (!/\.(js|css)$/.test(file)) continue;
  const b = readFileSync(join(dist, file));
  const z = gzipSync(b, { level: 9 }).length;
  raw += b.length;
  gz += z;
  rows.push(`  ${file.padEnd(44)} ${(b.length / 1024).toFixed(1).padStart(8)} KB  gzip ${(z / 1024).toFixed(1).padStart(7)} KB`);
}
console.log('sign-in page, first load (JS + CSS):');
console.log(rows.join('\n'));
console.log(
  `  total ${(raw / 1024).toFixed(1)} KB, gzip ${(gz / 1024).toFixed(1)} KB of a budget of ${budget / 1024} KB (PRODUCT.md §5)`,
);
if (gz > budget) {
  console.error('over budget: split the sign-in page further (React.lazy) or drop what it does not need');
  process.exit(1);
}
