/**
 * Preloaded into a `cadre` child (NODE_OPTIONS=--require …): every scrypt call
 * appends "<N> <salt as hex>" to the file $SCRYPT_LOG, so a test can count the
 * derivations a command did and tell a check of a stored hash (its salt) from
 * throw-away work. Changes nothing else.
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const { syncBuiltinESMExports } = require('node:module');

const file = process.env.SCRYPT_LOG;
const original = crypto.scrypt;
crypto.scrypt = function scrypt(password, salt, keylen, options, callback) {
  if (file) fs.appendFileSync(file, `${options && options.N} ${Buffer.from(salt).toString('hex')}\n`);
  return original.apply(this, arguments);
};
syncBuiltinESMExports();
