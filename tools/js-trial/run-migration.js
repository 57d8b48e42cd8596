// node run-migration.js FILE [ENV]: contentful-migration's runMigration against the emulator served over https
// (it builds https:// URLs and has no insecure option: run-all.sh serves with --tls-cert/--tls-key).
const { runMigration } = require('contentful-migration');
const path = require('path');
runMigration({
  filePath: path.resolve(process.argv[2]), spaceId: process.env.SPACE || 'trialspace', environmentId: process.argv[3] || 'master',
  accessToken: process.env.TOKEN || 'trial-token', host: process.env.HOST || '127.0.0.1:18803', yes: true,
}).then(() => console.log('MIGRATION OK'), (e) => { console.error('MIGRATION FAILED', e && e.message); process.exit(1); });
