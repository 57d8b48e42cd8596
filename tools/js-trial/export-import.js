// node export-import.js: contentful-export of trialspace/master, contentful-import into otherspace/master, export again, compare.
const contentfulExport = require('contentful-export');
const contentfulImport = require('contentful-import');
const fs = require('fs');
const common = { managementToken: process.env.TOKEN || 'trial-token', host: process.env.HOST || '127.0.0.1:18803', insecure: process.env.INSECURE !== 'false', useVerboseRenderer: true };
const skips = { skipRoles: true, skipWebhooks: true };
const strip = (items) => (items || []).map(({ sys, ...rest }) => ({ id: sys.id, ...rest })).sort((a, b) => (a.id < b.id ? -1 : 1));
async function main() {
  const first = await contentfulExport({ ...common, ...skips, spaceId: 'trialspace', environmentId: 'master', exportDir: (process.env.OUT || '/tmp'), contentFile: 'export1.json', includeDrafts: true, includeArchived: true });
  console.log('export1', Object.fromEntries(Object.entries(first).map(([k, v]) => [k, v.length])));
  await contentfulImport({ ...common, spaceId: 'otherspace', environmentId: 'master', contentFile: `${process.env.OUT || '/tmp'}/export1.json` });
  const second = await contentfulExport({ ...common, ...skips, spaceId: 'otherspace', environmentId: 'master', exportDir: (process.env.OUT || '/tmp'), contentFile: 'export2.json', includeDrafts: true, includeArchived: true });
  console.log('export2', Object.fromEntries(Object.entries(second).map(([k, v]) => [k, v.length])));
  for (const key of ['contentTypes', 'editorInterfaces', 'entries', 'locales', 'tags']) {
    let a = strip(first[key]), b = strip(second[key]);
    if (key === 'editorInterfaces') { a = (first[key] || []).map((e) => ({ ct: e.sys.contentType.sys.id, controls: e.controls, sidebar: e.sidebar, editors: e.editors })); b = (second[key] || []).map((e) => ({ ct: e.sys.contentType.sys.id, controls: e.controls, sidebar: e.sidebar, editors: e.editors })); a.sort((x, y) => (x.ct < y.ct ? -1 : 1)); b.sort((x, y) => (x.ct < y.ct ? -1 : 1)); }
    if (key === 'locales') { const byCode = (x, y) => (x.code < y.code ? -1 : 1); a = a.map(({ id, ...r }) => r).sort(byCode); b = b.map(({ id, ...r }) => r).sort(byCode); }
    const same = JSON.stringify(a) === JSON.stringify(b);
    console.log(key, same ? 'SAME' : 'DIFFERENT');
    if (!same) { fs.writeFileSync(`${process.env.OUT || '/tmp'}/diff-${key}-1.json`, JSON.stringify(a, null, 1)); fs.writeFileSync(`${process.env.OUT || '/tmp'}/diff-${key}-2.json`, JSON.stringify(b, null, 1)); }
  }
}
main().catch((e) => { console.error('FAILED', e && (e.message || e)); if (e && e.errors) console.error(JSON.stringify(e.errors, null, 1).slice(0, 3000)); process.exit(1); });
