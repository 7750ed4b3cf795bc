// See package.json: one native driver, the encrypting one, under both names.
module.exports = require('better-sqlite3-multiple-ciphers');
