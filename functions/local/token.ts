/** `npm run token -- --role admin|analyst [--subject id]`: a bearer token for scripts against the embedded runtime. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { STAFF_ROLES, type StaffRole } from '../auth.ts';
import { readSigningKey, signLocalToken } from './signing-key.ts';

const { values } = parseArgs({
  options: { role: { type: 'string', default: 'admin' }, subject: { type: 'string' }, hours: { type: 'string', default: '12' } },
});
if (!(STAFF_ROLES as readonly string[]).includes(values.role!)) {
  console.error(`--role must be one of ${STAFF_ROLES.join(', ')}`);
  process.exit(2);
}
const dataDir = resolve(process.env.DATA_DIR ?? '.data');
// Never create a key here: a new key would sign tokens no running server accepts.
const key = await readSigningKey(dataDir);
if (!key) {
  console.error(
    `No signing key in ${dataDir}: no server has used this data folder yet, so there is nothing to sign for.\n` +
      'A server started with --memory keeps its key in memory only and cannot be reached from here:\n' +
      'use the bearer token it printed ("Bearer token for scripts"), or start it without --memory (set DATA_DIR to match).',
  );
  process.exit(1);
}
console.log(await signLocalToken(key, { role: values.role as StaffRole, subject: values.subject, hours: Number(values.hours) }));
