// node readback.js: the JS SDK reads back what `reconcile apply` wrote (see README.md, flow 4).
const contentful = require('contentful-management');
const assert = require('assert');
const client = contentful.createClient({ accessToken: process.env.TOKEN || 'trial-token', host: process.env.HOST || '127.0.0.1:18803', insecure: process.env.INSECURE !== 'false' }, { type: 'plain', defaults: { spaceId: process.env.SPACE || 'trialspace', environmentId: 'master' } });
async function main() {
  const author = await client.contentType.get({ contentTypeId: 'author' });
  const website = author.fields.find((f) => f.id === 'website');
  assert.deepStrictEqual(website.validations, [{ regexp: { pattern: '^https://' } }]);
  assert.strictEqual(author.sys.version, author.sys.publishedVersion + 1);
  const ei = await client.editorInterface.get({ contentTypeId: 'author' });
  const control = ei.controls.find((c) => c.fieldId === 'website');
  assert.strictEqual(control.widgetId, 'urlEditor'); assert.strictEqual(control.settings.helpText, 'Homepage');
  const post = await client.contentType.get({ contentTypeId: 'post' });
  assert.strictEqual(post.name, 'Article');
  const published = await client.contentType.getMany({ query: { 'sys.id[in]': 'author,post' } });
  console.log('readback OK:', published.items.map((c) => `${c.sys.id} v${c.sys.version}/p${c.sys.publishedVersion}`).join(' '));
  const entry = await client.entry.create({ contentTypeId: 'author' }, { fields: { name: { 'en-US': 'Grace' }, website: { 'en-US': 'http://grace' } } });
  try { await client.entry.publish({ entryId: entry.sys.id }, entry); console.log('UNEXPECTED: published'); } catch (e) { console.log('publish refused by the reconcile-applied regexp:', JSON.parse(e.message).status); }
  await client.entry.delete({ entryId: entry.sys.id });
}
main().catch((e) => { console.error('FAILED', e.message); process.exit(1); });
