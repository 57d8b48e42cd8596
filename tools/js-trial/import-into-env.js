// node import-into-env.js: export trialspace/master, clone it into an environment, import the export into the
// clone (every item exists there: contentful-import's update path), export the clone: the same content.
const contentful = require('contentful-management');
const contentfulImport = require('contentful-import');
const contentfulExport = require('contentful-export');
const OUT = process.env.OUT || '/tmp';
const insecure = process.env.INSECURE !== 'false';
const host = process.env.HOST || '127.0.0.1:18803';
const common = { managementToken: process.env.TOKEN || 'trial-token', host, insecure, useVerboseRenderer: true, skipRoles: true, skipWebhooks: true };
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const bare = (items, keyed) => items.map(({ sys, ...rest }) => (keyed ? { id: sys.id, ...rest } : rest)).map((x) => JSON.stringify(x)).sort();
(async () => {
  const client = contentful.createClient({ accessToken: common.managementToken, host, insecure }, { type: 'plain', defaults: { spaceId: 'trialspace' } });
  const before = await contentfulExport({ ...common, spaceId: 'trialspace', environmentId: 'master', exportDir: OUT, contentFile: 'export-master.json', includeDrafts: true });
  await client.environment.createWithId({ environmentId: 'imported' }, { name: 'imported' });
  for (let i = 0; i < 60; i++) { const e = await client.environment.get({ environmentId: 'imported' }); if (e.sys.status.sys.id === 'ready') break; await new Promise((r) => setTimeout(r, 500)); }
  const { skipRoles, skipWebhooks, ...importOptions } = common;
  await contentfulImport({ ...importOptions, spaceId: 'trialspace', environmentId: 'imported', contentFile: `${OUT}/export-master.json` });
  const after = await contentfulExport({ ...common, spaceId: 'trialspace', environmentId: 'imported', exportDir: OUT, contentFile: 'export-imported.json', includeDrafts: true });
  for (const key of ['contentTypes', 'entries', 'editorInterfaces', 'tags', 'locales']) {
    const keyed = key !== 'editorInterfaces' && key !== 'locales';
    console.log(`import into a cloned environment: ${key}`, same(bare(before[key] || [], keyed), bare(after[key] || [], keyed)) ? 'SAME' : 'DIFFERENT');
  }
})().catch((e) => { console.error('FAILED', e.message); process.exit(1); });
