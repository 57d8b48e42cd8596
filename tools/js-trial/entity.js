// The JS SDK's own real-API test "Create, update, patch, publish, unpublish, archive, unarchive and delete entry", entity API.
const contentful = require('contentful-management');
const assert = require('assert');
(async () => {
  const client = contentful.createClient({ accessToken: process.env.TOKEN || 'trial-token', host: process.env.HOST || '127.0.0.1:18803', insecure: process.env.INSECURE !== 'false' }, { type: 'legacy' });
  const space = await client.getSpace(process.env.SPACE || 'trialspace');
  const environment = await space.getEnvironment('master');
  const contentType = await environment.createContentTypeWithId('testct', { name: 'testCT', fields: [{ id: 'title', name: 'Title', type: 'Text', required: false, localized: false }] });
  await contentType.publish();
  const entry = await environment.createEntry('testct', { fields: { title: { 'en-US': 'this is the title' } } });
  assert(entry.isDraft());
  const publishedEntry = await entry.publish(); assert(publishedEntry.isPublished());
  publishedEntry.fields.title['en-US'] = 'title has changed';
  const updatedEntry = await publishedEntry.update(); assert(updatedEntry.isUpdated());
  const patchedEntry = await updatedEntry.patch([{ op: 'replace', path: '/fields/title/en-US', value: 'title was patched' }]);
  assert.strictEqual(patchedEntry.fields.title['en-US'], 'title was patched');
  const unpublishedEntry = await patchedEntry.unpublish(); assert(unpublishedEntry.isDraft());
  const archivedEntry = await unpublishedEntry.archive(); assert(archivedEntry.isArchived());
  const unarchivedEntry = await archivedEntry.unarchive(); assert(!unarchivedEntry.isArchived()); assert(unarchivedEntry.isDraft());
  await unarchivedEntry.delete();
  const ct = await environment.getContentType('testct');
  await (await ct.unpublish()).delete();
  console.log('entity API flow of the SDK test OK');
})().catch((e) => { console.error('FAILED', e.message); process.exit(1); });
