module.exports = function (migration) {
  migration.transformEntries({
    contentType: 'post', from: ['title'], to: ['summary'],
    transformEntryForLocale: (from, locale) => (from.title && from.title[locale] ? { summary: `About: ${from.title[locale]}` } : undefined),
  });
  const category = migration.createContentType('category', { name: 'Category', displayField: 'label' });
  category.createField('label').name('Label').type('Symbol');
  const post = migration.editContentType('post');
  post.createField('category').name('Category').type('Link').linkType('Entry');
  migration.deriveLinkedEntries({
    contentType: 'post', derivedContentType: 'category', from: ['title'], toReferenceField: 'category',
    derivedFields: ['label'], identityKey: async (from) => `cat-${(from.title ? from.title['en-US'] : 'none').toLowerCase().replace(/[^a-z0-9]/g, '')}`,
    shouldPublish: true, deriveEntryForLocale: async (from, locale) => ({ label: `Category of ${from.title ? from.title[locale] : 'nothing'}` }),
  });
  const note = migration.createContentType('note', { name: 'Note', displayField: 'text' });
  note.createField('text').name('Text').type('Symbol');
  note.createField('origin').name('Origin').type('Symbol');
  migration.transformEntriesToType({
    sourceContentType: 'post', targetContentType: 'note', from: ['title', 'summary'], shouldPublish: 'preserve',
    updateReferences: false, removeOldEntries: false, identityKey: (fields) => `note-${(fields.title ? fields.title['en-US'] : 'untitled').toLowerCase().replace(/[^a-z0-9]/g, '')}`,
    transformEntryForLocale: (from, locale) => ({ text: from.summary ? from.summary[locale] : 'none', origin: from.title ? from.title[locale] : 'none' }),
  });
  migration.setTagsForEntries({
    contentType: 'post', from: ['title'],
    setTagsForEntry: (entryFields, entryTags, apiTags) => [...entryTags, ...apiTags.filter((t) => t.sys.id === 'featured-tag')],
  });
};
