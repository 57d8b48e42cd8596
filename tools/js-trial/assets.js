// node assets.js: assets with the JS SDK (its own real-API asset test, then the plain client's refusals), then
// contentful-export of a space holding assets linked from entries, contentful-import into another space, export again.
const contentful = require('contentful-management');
const contentfulExport = require('contentful-export');
const contentfulImport = require('contentful-import');
const assert = require('assert');
const fs = require('fs');
const OUT = process.env.OUT || '/tmp';
const SRC = process.env.ASSET_SPACE || 'assetspace';
const DST = process.env.ASSET_COPY || 'assetcopy';
const HOST = process.env.HOST || '127.0.0.1:18803';
// hostUpload: the emulator serves the upload API too (Contentful: upload.contentful.com)
const options = { accessToken: process.env.TOKEN || 'trial-token', host: HOST, hostUpload: HOST, insecure: process.env.INSECURE !== 'false' };
const common = { managementToken: options.accessToken, host: HOST, insecure: options.insecure, useVerboseRenderer: true };
const UPLOAD = 'https://raw.githubusercontent.com/contentful/contentful-management.js/master/test/integration/fixtures/shiba-stuck-bush.jpg';
const image = (fileName) => ({ contentType: 'image/jpeg', fileName, upload: UPLOAD });
const link = (id) => ({ sys: { type: 'Link', linkType: 'Asset', id } });
const refusal = async (p) => { try { await p; return 'ok'; } catch (e) { const b = JSON.parse(e.message); const said = b.details && Object.keys(b.details).length ? b.details : b.message; return `${b.status} ${b.statusText} ${JSON.stringify(said || '')}`.slice(0, 200); } };

async function sdkTest(environment) {
  // "Create, process, update, publish, unpublish, archive, unarchive and delete asset" (test/integration/asset-integration.test.ts)
  const asset = await environment.createAsset({ fields: { title: { 'en-US': 'this is the title' }, file: { 'en-US': image('shiba-stuck.jpg') } } });
  assert.strictEqual(asset.fields.title['en-US'], 'this is the title');
  const processedAsset = await asset.processForLocale('en-US', { processingCheckWait: 100 });
  assert(asset.isDraft()); assert(processedAsset.fields.file['en-US'].url);
  const publishedAsset = await processedAsset.publish(); assert(publishedAsset.isPublished());
  publishedAsset.fields.title['en-US'] = 'title has changed';
  const updatedAsset = await publishedAsset.update(); assert(updatedAsset.isUpdated());
  const unpublishedAsset = await updatedAsset.unpublish(); assert(unpublishedAsset.isDraft());
  const archivedAsset = await unpublishedAsset.archive(); assert(archivedAsset.isArchived());
  const unarchivedAsset = await archivedAsset.unarchive(); assert(!unarchivedAsset.isArchived()); assert(unarchivedAsset.isDraft());
  await unarchivedAsset.delete();
  // "Create and process asset with multiple locales"
  const two = await environment.createAsset({ fields: { title: { 'en-US': 'this is the title' }, file: { 'en-US': image('shiba-stuck.jpg'), 'de-DE': image('shiba-stuck.jpg') } } });
  const both = await two.processForAllLocales({ processingCheckWait: 100 });
  assert(both.fields.file['en-US'].url && both.fields.file['de-DE'].url);
  // "Upload and process asset from files with multiple locales"
  const svg = (fill) => `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><path fill="${fill}" d="M50 50h150v50H50z"/></svg>`;
  const fromFiles = await environment.createAssetFromFiles({ fields: { title: { 'en-US': 'SVG upload test' }, description: { 'en-US': '' }, file: {
    'en-US': { contentType: 'image/svg+xml', fileName: 'blue-square.svg', file: svg('blue') }, 'de-DE': { contentType: 'image/svg+xml', fileName: 'red-square.svg', file: svg('red') } } } });
  const uploaded = await fromFiles.processForAllLocales({ processingCheckWait: 100 });
  assert.deepStrictEqual(uploaded.fields.file['en-US'].details, { size: svg('blue').length, image: { width: 200, height: 100 } });
  assert(uploaded.fields.file['de-DE'].url);
  await uploaded.delete();
  const images = await environment.getAssets({ mimetype_group: 'image' });
  assert.deepStrictEqual(images.items.map((a) => a.sys.id), [both.sys.id]);
  await both.delete();
  console.log('SDK asset test OK (create, processForLocale, publish, update, unpublish, archive, unarchive, delete; processForAllLocales; createAssetFromFiles; mimetype_group)');
}

async function refusals(plain) {
  const a = await plain.asset.createWithId({ assetId: 'raw' }, { fields: { title: { 'en-US': 'Raw' }, file: { 'en-US': image('raw.jpg') } } });
  console.log('publish before processing ->', await refusal(plain.asset.publish({ assetId: 'raw' }, a)));
  const p = await plain.asset.processForAllLocales({}, a, { processingCheckWait: 100 });
  console.log('stale update ->', await refusal(plain.asset.update({ assetId: 'raw' }, { ...a, fields: { ...a.fields, title: { 'en-US': 'x' } } })));
  const pub = await plain.asset.publish({ assetId: 'raw' }, p);
  console.log('published v', pub.sys.version, pub.sys.publishedVersion, pub.fields.file['en-US'].url);
  console.log('delete published ->', await refusal(plain.asset.delete({ assetId: 'raw' })));
  console.log('archive published ->', await refusal(plain.asset.archive({ assetId: 'raw' })));
}

async function seed(plain) {
  const ct = await plain.contentType.createWithId({ contentTypeId: 'gallery' }, { name: 'Gallery', displayField: 'title', fields: [
    { id: 'title', name: 'Title', type: 'Symbol', required: true },
    { id: 'cover', name: 'Cover', type: 'Link', linkType: 'Asset', validations: [{ linkMimetypeGroup: ['image'] }] },
    { id: 'photos', name: 'Photos', type: 'Array', items: { type: 'Link', linkType: 'Asset' } }] });
  await plain.contentType.publish({ contentTypeId: 'gallery' }, ct);
  const e = await plain.entry.createWithId({ contentTypeId: 'gallery', entryId: 'holiday' }, { fields: { title: { 'en-US': 'Holiday' }, cover: { 'en-US': link('cover') }, photos: { 'en-US': [link('cover'), link('beach')] } } });
  console.log('entry linking missing assets ->', await refusal(plain.entry.publish({ entryId: 'holiday' }, e)));
  for (const [id, name, de] of [['cover', 'cover.jpg', true], ['beach', 'beach.jpg', false], ['draft', 'draft.jpg', false]]) {
    const file = { 'en-US': image(name), ...(de ? { 'de-DE': image(`de-${name}`) } : {}) };
    const created = await plain.asset.createWithId({ assetId: id }, { fields: { title: { 'en-US': id }, description: { 'en-US': `the ${id}` }, file } });
    const processed = await plain.asset.processForAllLocales({}, created, { processingCheckWait: 100 });
    if (id !== 'draft') await plain.asset.publish({ assetId: id }, processed);
  }
  const published = await plain.entry.publish({ entryId: 'holiday' }, e);
  console.log('entry published once its assets exist, v', published.sys.publishedVersion);
}

const strip = (items) => (items || []).map(({ sys, ...rest }) => ({ id: sys.id, published: !!sys.publishedVersion, ...rest })).sort((a, b) => (a.id < b.id ? -1 : 1));
const unhosted = (assets) => strip(assets).map((a) => ({ ...a, fields: { ...a.fields, file: Object.fromEntries(Object.entries(a.fields.file || {}).map(([code, f]) => [code, { ...f, url: f.url.split('/').slice(-1)[0] }])) } }));

async function roundTrip() {
  const exported = (file, spaceId) => contentfulExport({ ...common, skipRoles: true, skipWebhooks: true, spaceId, environmentId: 'master', exportDir: OUT, contentFile: file, includeDrafts: true, includeArchived: true });
  const first = await exported('assets-export1.json', SRC);
  // twice: into an empty space, then again where every asset and entry exists (the import's update path)
  for (const round of ['export-import-export', 'import again (update path)']) {
    await contentfulImport({ ...common, spaceId: DST, environmentId: 'master', contentFile: `${OUT}/assets-export1.json` });
    const second = await exported('assets-export2.json', DST);
    for (const [key, a, b] of [['assets', unhosted(first.assets), unhosted(second.assets)], ['entries', strip(first.entries), strip(second.entries)]]) {
      const same = JSON.stringify(a) === JSON.stringify(b);
      console.log(round, key, a.length, same ? 'SAME' : 'DIFFERENT');
      if (!same) { fs.writeFileSync(`${OUT}/diff-${key}-1.json`, JSON.stringify(a, null, 1)); fs.writeFileSync(`${OUT}/diff-${key}-2.json`, JSON.stringify(b, null, 1)); process.exitCode = 1; }
    }
  }
}

async function main() {
  const legacy = contentful.createClient(options, { type: 'legacy' });
  const environment = await (await legacy.getSpace(SRC)).getEnvironment('master');
  const plain = contentful.createClient({ ...options, retryOnError: false }, { type: 'plain', defaults: { spaceId: SRC, environmentId: 'master' } });
  for (const spaceId of [SRC, DST]) await plain.locale.create({ spaceId }, { name: 'German', code: 'de-DE', fallbackCode: 'en-US', optional: true });
  await sdkTest(environment);
  await refusals(plain);
  await seed(plain);
  await roundTrip();
}
main().catch((e) => { console.error('FAILED', e && (e.message || e)); if (e && e.errors) console.error(JSON.stringify(e.errors, null, 1).slice(0, 3000)); process.exit(1); });
