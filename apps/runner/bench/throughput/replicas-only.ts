// Figure 3 alone (`tsx bench/throughput/replicas-only.ts`): two runners on one Redis against one.
import { replicaRun, startReceiver, startRedis } from './throughput.js';

const receiver = await startReceiver();
const redis = await startRedis();
for (const replicas of [1, 2, 1, 2]) console.log(JSON.stringify(await replicaRun(replicas, receiver, redis)));
receiver.child.kill();
await redis.close();
process.exit(0);
