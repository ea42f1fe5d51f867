/**
 * The `parley` command line. Run with `npm run parley -- <command>` (npm start = serve).
 *
 *   serve                         start a node (drains on SIGTERM)
 *   migrate                       apply pending migrations and exit
 *   user add <username> [--admin] create an account (password from PARLEY_USER_PASSWORD or stdin)
 *   user promote <username>       make an existing account an admin
 *   backup <file>                 online backup of the configured database
 *   restore <file> [--force]      restore into the configured database (server stopped)
 */
import { loadConfig } from './config';
import { startNode } from './node';
import { openStore } from './adapters';
import { backup, restore } from './ops/backup';
import { addUser, promoteUser } from './ops/users';

async function serve(): Promise<void> {
  const node = await startNode(loadConfig());
  console.log(`Parley is running at ${node.url}`);
  const shutdown = (signal: string) => {
    node.app.services.deps.log.info({ signal }, 'draining');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    void node.stop().then(() => process.exit(0));
  };
  // A renewed certificate (certbot's deploy hook: `kill -HUP <pid>`) without dropping sockets.
  process.on('SIGHUP', () => node.reloadTls());
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

async function migrate(): Promise<void> {
  // Opening a store applies its pending migrations.
  const store = await openStore(loadConfig());
  console.log(`migrations applied (${store.backend})`);
  await store.close();
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function user(args: string[]): Promise<void> {
  const [sub, username] = args.filter((a) => !a.startsWith('--'));
  if (sub === 'promote' && username) {
    const store = await openStore(loadConfig());
    try {
      const promoted = await promoteUser(store, username);
      console.log(`${promoted.username} (${promoted.id}) is now an admin`);
    } finally {
      await store.close();
    }
    return;
  }
  if (sub !== 'add' || !username) throw new Error('usage: parley user add <username> [--admin]  (password from PARLEY_USER_PASSWORD or stdin) | parley user promote <username>');
  const password = process.env.PARLEY_USER_PASSWORD ?? (await readStdin());
  const store = await openStore(loadConfig());
  try {
    const created = await addUser(store, { username, password, admin: args.includes('--admin') });
    console.log(`created ${created.role === 'admin' ? 'admin' : 'user'} ${created.username} (${created.id})`);
  } finally {
    await store.close();
  }
}

async function backupCommand(args: string[]): Promise<void> {
  const [file] = args;
  if (!file) throw new Error('usage: parley backup <file>');
  await backup(loadConfig().databaseUrl, file);
  console.log(`backup written to ${file}`);
}

async function restoreCommand(args: string[]): Promise<void> {
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) throw new Error('usage: parley restore <file> [--force]');
  await restore(loadConfig().databaseUrl, file, { force: args.includes('--force') });
  console.log(`restored from ${file}`);
}

const commands: Record<string, (args: string[]) => Promise<void>> = {
  serve,
  migrate,
  user,
  backup: backupCommand,
  restore: restoreCommand,
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
