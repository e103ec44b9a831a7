/** `npm run token -- --role admin|analyst [--subject id]`: a bearer token for scripts against the embedded runtime. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { STAFF_ROLES, type StaffRole } from '../auth.ts';
import { loadSigningKey, signLocalToken } from './signing-key.ts';

const { values } = parseArgs({ options: { role: { type: 'string', default: 'admin' }, subject: { type: 'string' }, hours: { type: 'string', default: '12' } } });
if (!(STAFF_ROLES as readonly string[]).includes(values.role!)) {
  console.error(`--role must be one of ${STAFF_ROLES.join(', ')}`);
  process.exit(2);
}
const key = await loadSigningKey(resolve(process.env.DATA_DIR ?? '.data'));
console.log(await signLocalToken(key, { role: values.role as StaffRole, subject: values.subject, hours: Number(values.hours) }));
