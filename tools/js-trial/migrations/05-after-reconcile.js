module.exports = function (migration) {
  const author = migration.editContentType('author');
  author.editField('website').name('Home page');
  author.moveField('website').toTheTop();
};
