/** `--name value` and `--flag` pairs; unknown flags are an error so a typo never silently does something else. */
export function parseArgs(argv: string[], allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument: ${arg}`);
    const name = arg.slice(2);
    if (!allowed.includes(name)) throw new UsageError(`unknown option --${name} (allowed: ${allowed.map((a) => `--${a}`).join(' ')})`);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[name] = 'true';
    else {
      out[name] = next;
      i++;
    }
  }
  return out;
}

export class UsageError extends Error {}

export function required(args: Record<string, string>, name: string): string {
  const v = args[name];
  if (!v || v === 'true') throw new UsageError(`--${name} is required`);
  return v;
}
