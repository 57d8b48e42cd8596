module.exports = function (migration) {
  const author = migration.createContentType('author', { name: 'Author', displayField: 'name', description: 'A writer' });
  author.createField('name').name('Name').type('Symbol').required(true).validations([{ size: { min: 1, max: 100 } }]);
  author.createField('bio').name('Bio').type('Text');

  const post = migration.createContentType('post').name('Post').displayField('title').description('A blog post');
  post.createField('title').name('Title').type('Symbol').required(true).localized(false)
    .validations([{ unique: true }, { regexp: { pattern: '^[A-Z]', flags: null } }]);
  post.createField('slug').name('Slug').type('Symbol').validations([{ prohibitRegexp: { pattern: '\\s' } }]);
  post.createField('body').name('Body').type('Text').validations([{ size: { max: 5000 } }]);
  post.createField('rich').name('Rich').type('RichText').validations([
    { enabledMarks: ['bold', 'italic'], message: 'only bold and italic' },
    { enabledNodeTypes: ['heading-1', 'hyperlink', 'embedded-entry-block'] },
    { nodes: { 'embedded-entry-block': [{ linkContentType: ['author'] }] } }]);
  post.createField('views').name('Views').type('Integer').validations([{ range: { min: 0 } }]).defaultValue({ 'en-US': 0 });
  post.createField('rating').name('Rating').type('Number').validations([{ in: [1, 2.5, 5] }]);
  post.createField('publishedOn').name('Published on').type('Date').validations([{ dateRange: { min: '2000-01-01' } }]);
  post.createField('featured').name('Featured').type('Boolean').defaultValue({ 'en-US': false });
  post.createField('place').name('Place').type('Location');
  post.createField('extra').name('Extra').type('Object');
  post.createField('author').name('Author').type('Link').linkType('Entry').validations([{ linkContentType: ['author'] }]);
  post.createField('hero').name('Hero').type('Link').linkType('Asset').validations([{ linkMimetypeGroup: ['image'] }]);
  post.createField('keywords').name('Keywords').type('Array').items({ type: 'Symbol', validations: [{ in: ['a', 'b', 'c'] }] })
    .validations([{ size: { max: 3 } }]);
  post.createField('related').name('Related').type('Array').items({ type: 'Link', linkType: 'Entry', validations: [{ linkContentType: ['post'] }] });
  post.createField('gallery').name('Gallery').type('Array').items({ type: 'Link', linkType: 'Asset' });
  post.createField('legacy').name('Legacy').type('Symbol').disabled(true);
  post.changeFieldControl('title', 'builtin', 'singleLine', { helpText: 'The title' });
  post.changeFieldControl('slug', 'builtin', 'slugEditor', { trackingFieldId: 'title' });
  post.changeFieldControl('rating', 'builtin', 'dropdown');
};
