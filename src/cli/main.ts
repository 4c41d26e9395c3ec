/**
 * `siglab` command-line entry. Exit codes: 0 done, 1 the input has errors (invalid rule,
 * unreadable events, failed tests), 2 usage error.
 */
export interface CommandIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

type Command = (args: string[], io: CommandIO) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  check: { summary: 'check Sigma rules: siglab check FILE|DIR... [--json]', load: async () => (await import('./check.ts')).checkCommand },
  match: { summary: 'evaluate events: siglab match RULE EVENTS [--json] [--placeholders FILE]', load: async () => (await import('./match.ts')).matchCommand },
  convert: { summary: 'compile to KQL: siglab convert FILE|DIR... --target ID [--json] [--mapping FILE] [--no-validate]', load: async () => (await import('./convert.ts')).convertCommand },
  run: { summary: 'run KQL over target rows: siglab run RULE|QUERY.kql ROWS --target ID [--json] [--table NAME] [--sigma-events]', load: async () => (await import('./run.ts')).runCommand },
  test: { summary: 'run or convert rule tests: siglab test PATH... [--json] [--junit FILE] [--rules DIR] [--export FORMAT --out DIR]', load: async () => (await import('./test.ts')).testCommand },
};

export function usage(): string {
  return ['usage: siglab <command> [options]', '', 'commands:', ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(8)} ${c.summary}`)].join('\n') + '\n';
}

export async function main(argv: string[], io: CommandIO = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr(`siglab: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  return (await command.load())(rest, io);
}
