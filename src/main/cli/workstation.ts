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
import { secretArg, standardSecrets, type SecretSource, type Warn } from './secrets';
import { seedDatabase } from './seed';
import { seedHistory } from './seed-history';
import { exportDocuments } from '../interop/export';
import { rebuildDueStateReport } from '../followup/due-state-rebuild';

const USAGE = `usage: npm run workstation -- <command> [options]
  seed             --db <file> --patients <N> [--seed <n>] [--with-history [--history-limit <n>]]
  export-documents --db <file> --out <dir> [--schema <CDA schema folder>]
  backup           --db <file> [--out <file>]
  restore          --db <file> --from <file>
  audit-verify     --db <file>
  rebuild-due-state --db <file>
Passphrases (database, then backup) are asked for at the terminal without echo, or read one per line from standard
input; --passphrase - / --backup-passphrase - say so explicitly. Passing them as values works but shows them to
other users of the machine.`;

async function openStore(dbFile: string, passphrase: string): Promise<Store> {
  if (!existsSync(dbFile)) throw new ApiError('NOT_FOUND', `no database at ${dbFile}`);
  const store = new Store({ dbFile: path.resolve(dbFile), migrationsFolder: defaultMigrationsFolder() });
  await store.openWithPassphrase(passphrase);
  return store;
}

export async function runCommand(
  argv: string[],
  secrets: SecretSource = standardSecrets(),
  warn: Warn = (m) => process.stderr.write(`${m}\n`),
): Promise<object> {
  const [command, ...rest] = argv;
  const secret = (a: Record<string, string>, name: string) => secretArg(a, name, secrets, warn);
  switch (command) {
    case 'seed': {
      const a = parseArgs(rest, ['db', 'patients', 'passphrase', 'seed', 'with-history', 'history-limit']);
      const patients = Number(required(a, 'patients'));
      if (!Number.isInteger(patients) || patients < 0 || patients > 5_000_000) throw new UsageError('--patients must be a whole number from 0 to 5000000');
      const limit = a['history-limit'] === undefined ? undefined : Number(a['history-limit']);
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new UsageError('--history-limit must be a whole number');
      const dbFile = path.resolve(required(a, 'db'));
      const passphrase = await secret(a, 'passphrase');
      const seeded = await seedDatabase({ dbFile, patients, passphrase, seed: Number(a.seed ?? 1) });
      if (a['with-history'] !== 'true') return seeded;
      const history = await seedHistory({ dbFile, passphrase, seed: Number(a.seed ?? 1), ...(limit !== undefined ? { limit } : {}) });
      return { ...seeded, history };
    }
    case 'export-documents': {
      const a = parseArgs(rest, ['db', 'passphrase', 'out', 'schema']);
      const store = await openStore(required(a, 'db'), await secret(a, 'passphrase'));
      try {
        const schemaDir = a.schema ?? process.env.TWS_CDA_SCHEMA_DIR;
        return await exportDocuments(store.current.db, path.resolve(required(a, 'out')), schemaDir ? path.resolve(schemaDir) : undefined);
      } finally {
        store.close();
      }
    }
    case 'backup': {
      const a = parseArgs(rest, ['db', 'passphrase', 'backup-passphrase', 'out']);
      const dbFile = path.resolve(required(a, 'db'));
      const store = await openStore(dbFile, await secret(a, 'passphrase'));
      try {
        const service = new BackupService(store, path.join(path.dirname(dbFile), 'backups'), systemClock);
        return await service.create(await secret(a, 'backup-passphrase'), a.out ? path.resolve(a.out) : undefined);
      } finally {
        store.close();
      }
    }
    case 'restore': {
      const a = parseArgs(rest, ['db', 'passphrase', 'backup-passphrase', 'from']);
      const dbFile = path.resolve(required(a, 'db'));
      const store = await openStore(dbFile, await secret(a, 'passphrase'));
      try {
        const service = new BackupService(store, path.join(path.dirname(dbFile), 'backups'), systemClock);
        return await service.restore(path.resolve(required(a, 'from')), await secret(a, 'backup-passphrase'));
      } finally {
        store.close();
      }
    }
    case 'audit-verify': {
      const a = parseArgs(rest, ['db', 'passphrase']);
      const store = await openStore(required(a, 'db'), await secret(a, 'passphrase'));
      try {
        return verifyAuditChain(store.current.sqlite, store.auditKey);
      } finally {
        store.close();
      }
    }
    case 'rebuild-due-state': {
      const a = parseArgs(rest, ['db', 'passphrase']);
      const store = await openStore(required(a, 'db'), await secret(a, 'passphrase'));
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
