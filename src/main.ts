import { CommanderError } from 'commander';
import { buildCli, CliError, exit } from './cli.ts';
import { loadConfig, type Config } from './config.ts';
import { AppError } from './core/errors.ts';

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(exit.badInput);
  }
  try {
    await buildCli(config).parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? exit.ok : exit.badInput);
    if (error instanceof CliError) {
      console.error(`orebook: ${error.message}`);
      process.exit(error.code);
    }
    if (error instanceof AppError) {
      console.error(`orebook: ${error.text.en}`);
      process.exit(exit.badInput);
    }
    console.error(error);
    process.exit(exit.checkFailed);
  }
}

await main();
