/**
 * Administrator command line: `npm run workstation -- <command> ...`. Every command prints one JSON object on
 * stdout; errors print `{ "error": { code, message } }` on stderr and exit non-zero.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../shared/api/errors';
import { verifyAuditChain } from '../audit/audit-log';
import { BackupService } from '../backup/backup-service';
import { systemClock } from '../clock';
import { defaultMigrationsFolder } from '../db/open';
import { Store } from '../db/store';
import { parseArgs, required, UsageError } from './args';
import { seedDatabase } from './seed';
import { rebuildDueStateReport } from '../followup/due-state-rebuild';

const USAGE = `usage: npm run workstation -- <command> [options]
  seed          --db <file> --patients <N> --passphrase <p> [--seed <n>]
  backup        --db <file> --passphrase <p> --backup-passphrase <b> [--out <file>]
  restore       --db <file> --passphrase <p> --backup-passphrase <b> --from <file>
  audit-verify  --db <file> --passphrase <p>
  rebuild-due-state --db <file> --passphrase <p>`;

async function openStore(dbFile: string, passphrase: string): Promise<Store> {
  if (!existsSync(dbFile)) throw new ApiError('NOT_FOUND', `no database at ${dbFile}`);
  const store = new Store({ dbFile: path.resolve(dbFile), migrationsFolder: defaultMigrationsFolder() });
  await store.openWithPassphrase(passphrase);
  return store;
}

export async function runCommand(argv: string[]): Promise<object> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'seed': {
      const a = parseArgs(rest, ['db', 'patients', 'passphrase', 'seed']);
      const patients = Number(required(a, 'patients'));
      if (!Number.isInteger(patients) || patients < 0 || patients > 5_000_000) throw new UsageError('--patients must be a whole number from 0 to 5000000');
      return seedDatabase({ dbFile: path.resolve(required(a, 'db')), patients, passphrase: required(a, 'passphrase'), seed: Number(a.seed ?? 1) });
    }
    case 'backup': {
      const a = parseArgs(rest, ['db', 'passphrase', 'backup-passphrase', 'out']);
      const dbFile = path.resolve(required(a, 'db'));
      const store = await openStore(dbFile, required(a, 'passphrase'));
      try {
        const service = new BackupService(store, path.join(path.dirname(dbFile), 'backups'), systemClock);
        return await service.create(required(a, 'backup-passphrase'), a.out ? path.resolve(a.out) : undefined);
      } finally {
        store.close();
      }
    }
    case 'restore': {
      const a = parseArgs(rest, ['db', 'passphrase', 'backup-passphrase', 'from']);
      const dbFile = path.resolve(required(a, 'db'));
      const store = await openStore(dbFile, required(a, 'passphrase'));
      try {
        const service = new BackupService(store, path.join(path.dirname(dbFile), 'backups'), systemClock);
        return await service.restore(path.resolve(required(a, 'from')), required(a, 'backup-passphrase'));
      } finally {
        store.close();
      }
    }
    case 'audit-verify': {
      const a = parseArgs(rest, ['db', 'passphrase']);
      const store = await openStore(required(a, 'db'), required(a, 'passphrase'));
      try {
        return verifyAuditChain(store.current.sqlite);
      } finally {
        store.close();
      }
    }
    case 'rebuild-due-state': {
      const a = parseArgs(rest, ['db', 'passphrase']);
      const store = await openStore(required(a, 'db'), required(a, 'passphrase'));
      try {
        return rebuildDueStateReport(store.current.db);
      } finally {
        store.close();
      }
    }
    default:
      throw new UsageError(command ? `unknown command: ${command}` : 'no command given');
  }
}

async function main(): Promise<void> {
  try {
    const result = await runCommand(process.argv.slice(2));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if ('ok' in result && result.ok === false) process.exitCode = 3;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${JSON.stringify({ error: { code: 'USAGE', message: err.message } })}\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (err instanceof ApiError) {
      process.stderr.write(`${JSON.stringify({ error: err.toData() })}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`${JSON.stringify({ error: { code: 'INTERNAL', message: String(err) } })}\n`);
      process.exitCode = 1;
    }
  }
}

if (require.main === module) void main();
