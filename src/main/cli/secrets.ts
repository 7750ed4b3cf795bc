import { UsageError } from './args';

/**
 * Passphrases for the command line (issue 15.13). A passphrase written on the command line is readable by every user
 * of the machine (`ps`, /proc/<pid>/cmdline, Windows' process list) and lands in shell history, so the CLI asks for
 * it instead: a prompt without echo on a terminal, or one line per passphrase on standard input
 * (`printf '%s\n' "$DB_PASS" "$BACKUP_PASS" | npm run workstation -- backup --db …`), in the order the command
 * names them. `--passphrase -` says "from standard input" explicitly. A literal value is still accepted for
 * scripts and test rigs that cannot do otherwise, with a warning on stderr.
 */
export interface SecretSource {
  /** The next secret, asked for with `label`. */
  read(label: string): Promise<string>;
}

export type Warn = (message: string) => void;

/** Reads the secret named `name` (e.g. 'passphrase', 'backup-passphrase') from its argument or from `source`. */
export async function secretArg(args: Record<string, string>, name: string, source: SecretSource, warn: Warn): Promise<string> {
  const given = args[name];
  if (given !== undefined && given !== 'true' && given !== '-') {
    warn(`warning: --${name} on the command line is visible to other users of this machine; leave it out to be asked, or pipe it on standard input`);
    return given;
  }
  const value = await source.read(name);
  if (value === '') throw new UsageError(`--${name}: no passphrase given`);
  return value;
}

/** Successive lines of a readable stream (standard input when it is not a terminal). */
export function lineSecrets(stream: NodeJS.ReadableStream): SecretSource {
  let buffered = '';
  let ended = false;
  const waiting: (() => void)[] = [];
  stream.setEncoding?.('utf8');
  stream.on('data', (chunk: string | Buffer) => {
    buffered += chunk.toString();
    waiting.splice(0).forEach((wake) => wake());
  });
  stream.on('end', () => {
    ended = true;
    waiting.splice(0).forEach((wake) => wake());
  });
  return {
    async read(label) {
      for (;;) {
        const newline = buffered.indexOf('\n');
        if (newline >= 0) {
          const line = buffered.slice(0, newline).replace(/\r$/, '');
          buffered = buffered.slice(newline + 1);
          return line;
        }
        if (ended) {
          const rest = buffered;
          buffered = '';
          if (rest === '') throw new UsageError(`--${label}: standard input ended before this passphrase`);
          return rest;
        }
        await new Promise<void>((wake) => waiting.push(wake));
      }
    },
  };
}

/** A prompt that does not echo what is typed (raw mode), for an administrator at a terminal. */
export function terminalSecrets(input: NodeJS.ReadStream, output: NodeJS.WritableStream): SecretSource {
  return {
    read(label) {
      return new Promise((resolve, reject) => {
        output.write(`${label}: `);
        let typed = '';
        input.setRawMode(true);
        input.resume();
        input.setEncoding('utf8');
        const done = (error?: Error) => {
          input.setRawMode(false);
          input.pause();
          input.off('data', onData);
          output.write('\n');
          if (error) reject(error);
          else resolve(typed);
        };
        const onData = (chunk: string) => {
          for (const ch of chunk) {
            if (ch === '\r' || ch === '\n') return done();
            if (ch === '\u0003') return done(new UsageError('cancelled'));
            if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
            else typed += ch;
          }
        };
        input.on('data', onData);
      });
    },
  };
}

/**
 * Standard input as the CLI's source: the prompt on a terminal, lines otherwise. Opened only when a secret is
 * actually asked for, so a command given everything it needs never waits on (or holds open) standard input.
 */
export function standardSecrets(): SecretSource {
  let source: SecretSource | undefined;
  return {
    read: (label) => {
      source ??= process.stdin.isTTY ? terminalSecrets(process.stdin, process.stderr) : lineSecrets(process.stdin);
      return source.read(label);
    },
  };
}
