module.exports = function (migration) {
  migration.deleteContentType('tmpdel');
  migration.editTag('internal').name('Internal only');
  migration.deleteTag('internal');
};
