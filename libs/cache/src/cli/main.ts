#!/usr/bin/env node
/**
 * `nest-cache`: the cache's command line, a client of a running app's admin API (it loads
 * nothing of Nest or the engine). Exit codes: 0 ok; 1 the cache is degraded or down, an action
 * failed, or the API cannot be reached; 2 bad usage, bad input, or a refused token.
 */
import { CommanderError } from 'commander';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './admin-client';
import { buildProgram } from './program';

async function main(argv: string[]): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram((exitCode) => (code = exitCode));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has printed its one line (or the help) already
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (err instanceof CliError) {
      process.stderr.write(`nest-cache: ${err.message}\n`);
      return err.exitCode;
    }
    // a bug of ours: still one line, the stack only on request
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`nest-cache: unexpected error: ${message}\n`);
    if (process.env.NEST_CACHE_DEBUG) console.error(err);
    return EXIT_FAILED;
  }
}

// exitCode rather than exit(): output piped to another process is flushed before Node exits
main(process.argv).then((code) => (process.exitCode = code));
