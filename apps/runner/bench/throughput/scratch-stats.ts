import { execFileSync } from 'node:child_process';
import { endToEnd, type Mode, startReceiver, startRedis, startRelay, startRunner } from './throughput.js';
const relay = process.argv.includes('--relay');
const receiver = await startReceiver();
const redis = await startRedis();
const server = relay ? await startRelay('redis' as Mode, receiver, redis) : await startRunner('redis' as Mode, receiver, redis);
const result = await endToEnd(server, receiver, 4, redis?.pid);
await server.close();
const port = new URL(redis.url).port;
const stats = execFileSync('redis-cli', ['-p', port, 'info', 'commandstats']).toString();
receiver.child.kill();
await redis.close();
const delivered = result.accepted - result.backlogAtEnd;
console.log(JSON.stringify(result), 'delivered', delivered);
for (const line of stats.split('\n')) {
  const m = /cmdstat_(\w+):calls=(\d+),usec=(\d+)/.exec(line);
  if (m) console.log(m[1]!.padEnd(14), (Number(m[2]) / result.accepted).toFixed(2), 'calls/msg', (Number(m[3]) / result.accepted).toFixed(1), 'us/msg');
}
process.exit(0);
