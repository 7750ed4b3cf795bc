/**
 * Child process for the restore crash test: restores a backup into a real store and kills itself with SIGKILL
 * (kill -9: no cleanup, no finally blocks) when restore reaches the named step.
 */
import { BackupService, type RestoreStep } from '../../../src/main/backup/backup-service';
import { systemClock } from '../../../src/main/clock';
import { defaultMigrationsFolder } from '../../../src/main/db/open';
import { Store } from '../../../src/main/db/store';

const [dbFile, passphrase, backupFile, backupPassphrase, killAt] = process.argv.slice(2);

async function main(): Promise<void> {
  const store = new Store({ dbFile, migrationsFolder: defaultMigrationsFolder() });
  await store.openWithPassphrase(passphrase);
  const step = (name: RestoreStep) => {
    if (name === killAt) process.kill(process.pid, 'SIGKILL');
  };
  const service = new BackupService(store, `${dbFile}-backups`, systemClock, undefined, step);
  await service.restore(backupFile, backupPassphrase);
  process.stdout.write('restored\n');
  store.close();
}

void main();
