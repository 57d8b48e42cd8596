module.exports = function (migration) {
  const t = migration.createContentType('tmpdel', { name: 'To delete' });
  t.createField('x').name('X').type('Symbol');
};
