/**
 * Finding a Redis for the demo: the configured one if it answers, else a private `redis-server`
 * started on a free port if the binary is installed, else a one-line hint. Never hangs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { Redis } from 'ioredis';

/** A reachable Redis and how to let go of it. */
export interface RedisHandle {
  url: string;
  /** True when this process started the server (and will stop it). */
  private: boolean;
  stop(): Promise<void>;
}

/** True when a Redis at `url` answers PING within `timeoutMs`. */
export async function redisAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });

/** Starts a throw-away `redis-server` (no persistence) on `port`; resolves once it answers. */
export async function startPrivateRedis(port?: number): Promise<{ url: string; process: ChildProcess; stop(): Promise<void> }> {
  const chosen = port ?? (await freePort());
  const child = spawn('redis-server', ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${chosen}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  for (let i = 0; i < 50; i += 1) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    if (await redisAnswers(url, 200)) return { url, process: child, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`redis-server on port ${chosen} did not answer within 5 s`);
}

/** True when a `redis-server` binary is on the PATH. */
export const redisServerInstalled = (): boolean => spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/** The configured Redis if it answers, else a private one, else null with the reason in one line. */
export async function findRedis(url: string): Promise<RedisHandle | { missing: string }> {
  if (await redisAnswers(url)) return { url, private: false, stop: () => Promise.resolve() };
  if (!redisServerInstalled()) {
    return { missing: `No Redis answers at ${url} and redis-server is not installed: run \`apt-get install -y redis-server\` (or set REDIS_URL).` };
  }
  const started = await startPrivateRedis();
  return { url: started.url, private: true, stop: () => started.stop() };
}
