// Validates RDF data (Turtle) against SHACL shapes (Turtle), offline:
//   node scripts/shacl.mjs DATA.ttl SHAPES.ttl [SHAPES.ttl …]
// Prints each violation as one line and exits 1 when the data does not
// conform. Used by the Go test dcat.TestSHACL (DCAT-AP 2.1.1 shapes).
import rdf from '@zazuko/env-node';
import SHACLValidator from 'rdf-validate-shacl';

const [data, ...shapeFiles] = process.argv.slice(2);
if (!data || shapeFiles.length === 0) {
  console.error('usage: node scripts/shacl.mjs DATA.ttl SHAPES.ttl [SHAPES.ttl …]');
  process.exit(2);
}
const shapes = rdf.dataset();
for (const f of shapeFiles) {
  await shapes.import(rdf.fromFile(f));
}
const dataset = await rdf.dataset().import(rdf.fromFile(data));
const report = await new SHACLValidator(shapes, { factory: rdf }).validate(dataset);
for (const r of report.results) {
  const msg = r.message.map((m) => m.value).join('; ');
  console.log(`${r.severity?.value.replace(/.*#/, '')}\t${r.focusNode?.value}\t${r.path?.value ?? ''}\t${msg}\t${r.sourceConstraintComponent?.value.replace(/.*#/, '')}`);
}
console.log(report.conforms ? 'conforms' : `${report.results.length} results`);
process.exit(report.conforms ? 0 : 1);
