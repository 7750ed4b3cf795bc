/**
 * Child process for the crash test: opens the encrypted store with the real open sequence and appends audit rows
 * (a real hash-chained transaction) as fast as it can, printing each row's id only after its COMMIT returned.
 * The parent kills it with SIGKILL at a random moment.
 */
import { appendAudit } from '../../../src/main/audit/audit-log';
import { defaultMigrationsFolder, openEncryptedDatabase } from '../../../src/main/db/open';

const [file, hexKey, hexAuditKey] = process.argv.slice(2);
const auditKey = Buffer.from(hexAuditKey, 'hex');
const { sqlite } = openEncryptedDatabase(file, Buffer.from(hexKey, 'hex'), { migrationsFolder: defaultMigrationsFolder(), create: true });
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  appendAudit(
    sqlite,
    { userId: 1, username: 'crash', action: 'crash.write', kind: 'write', patientId: `p-${i}`, outcome: 'ok', details: 'x'.repeat(i % 500) },
    new Date(),
    auditKey,
  );
  const { id } = sqlite.prepare('SELECT max(id) AS id FROM audit_log').get() as { id: number };
  process.stdout.write(`${id}\n`);
}
