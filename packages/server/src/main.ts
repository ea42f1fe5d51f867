/**
 * The `parley` command line: serve (default), migrate. Run with `npm start` or
 * `npm run parley -- <command>`.
 */
import { loadConfig } from './config';
import { startNode } from './node';
import { openStore } from './adapters';

async function serve(): Promise<void> {
  const node = await startNode(loadConfig());
  console.log(`Parley is running at ${node.url}`);
  const shutdown = (signal: string) => {
    node.app.services.deps.log.info({ signal }, 'draining');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    void node.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

async function migrate(): Promise<void> {
  // Opening a store applies its pending migrations.
  const store = await openStore(loadConfig());
  console.log(`migrations applied (${store.backend})`);
  await store.close();
}

const commands: Record<string, (args: string[]) => Promise<void>> = {
  serve,
  migrate,
};

async function main(argv: string[]): Promise<void> {
  const [name = 'serve', ...rest] = argv;
  const command = commands[name];
  if (!command) {
    console.error(`unknown command "${name}". Commands: ${Object.keys(commands).join(', ')}`);
    process.exit(2);
  }
  await command(rest);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
