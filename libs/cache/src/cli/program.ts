import { Command, Option } from 'commander';
import { AdminClient } from './admin-client';
import { registerActionCommands } from './commands/action.commands';
import { registerReadCommands } from './commands/read.commands';
import { registerWatchCommand } from './commands/watch.command';
import { positive } from './option-parsers';

export const DEFAULT_URL = 'http://localhost:3000/cache';

/** What every command is handed: the API client and where its output goes. */
export interface Context {
  client: AdminClient;
  /** print the API's JSON instead of tables (read commands) */
  json: boolean;
  out: (text: string) => void;
  /** for progress and notes that scripts reading stdout should not get */
  err: (text: string) => void;
}

/** A command's body: its positional arguments and options in, the exit code out. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- commander hands untyped values
export type Run = (ctx: Context, args: any, opts: any) => Promise<number>;

/** Adds a command whose body gets a Context; `json` adds --json. */
export type AddCommand = (spec: string, summary: string, json: boolean, run: Run) => Command;

export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('nest-cache')
    .description("Look at and operate a running app's cache through its admin API")
    .addOption(
      new Option('--url <url>', 'admin API base URL').env('CACHE_ADMIN_URL').default(DEFAULT_URL),
    )
    .addOption(new Option('--token <token>', 'admin token').env('CACHE_ADMIN_TOKEN'))
    .addOption(
      new Option('--timeout <seconds>', 'per-request timeout')
        .default(10)
        .argParser(positive('--timeout')),
    )
    // usage errors must not exit from inside commander: main maps them to exit code 2
    .exitOverride()
    .showSuggestionAfterError();

  const command: AddCommand = (spec, summary, json, run) => {
    const cmd = program.command(spec).description(summary);
    if (json) cmd.option('--json', "print the API's JSON, for scripts");
    return cmd.action(async (...params: unknown[]) => {
      const self = params[params.length - 1] as Command;
      const globals = self.optsWithGlobals<{ url: string; token?: string; timeout: number }>();
      const ctx: Context = {
        client: new AdminClient({
          url: globals.url,
          token: globals.token,
          timeoutMs: globals.timeout * 1000,
        }),
        json: Boolean(self.opts().json),
        out: (text) => process.stdout.write(`${text}\n`),
        err: (text) => process.stderr.write(`${text}\n`),
      };
      // commander passes the positional arguments, then the options, then the command
      setExitCode(await run(ctx, params.slice(0, -2), self.opts()));
    });
  };

  registerReadCommands(command);
  registerActionCommands(command);
  registerWatchCommand(command);
  return program;
}
