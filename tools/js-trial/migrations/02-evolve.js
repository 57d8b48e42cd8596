module.exports = function (migration) {
  const post = migration.editContentType('post');
  post.name('Blog post').description('An article');
  post.editField('body').name('Body text').required(false).validations([{ size: { max: 10000 } }]);
  post.editField('views').validations([{ range: { min: 0, max: 1000000 } }]);
  post.moveField('slug').afterField('author');
  post.moveField('featured').toTheTop();
  post.moveField('legacy').toTheBottom();
  post.moveField('hero').beforeField('title');
  post.changeFieldId('body', 'content');
  post.deleteField('legacy');
  post.createField('summary').name('Summary').type('Symbol');
  post.editField('author').setAnnotations(['Contentful:AggregateComponent']);
  post.changeFieldControl('summary', 'builtin', 'multipleLine', { helpText: 'Short' });
  post.changeEditorInterface('keywords', 'tagEditor', { helpText: 'Keywords' });
  post.configureEntryEditor('builtin', 'default-editor');
  post.setAnnotations(['Contentful:AggregateRoot']);

  migration.createTag('featured-tag', { name: 'Featured' }, 'public');
  migration.createTag('internal', { name: 'Internal' });
};
