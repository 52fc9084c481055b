// Latency from an event published on Redis by any process to its delivery to a signed-in Socket.IO client: the
// path every live update (heartbeat signals, order fills, backtest progress) takes to the browser.
import { EventPublisher } from '../core/realtime/publisher';
import { createRedis } from '../core/redis';
import { percentile, report, save } from './harness';
import { startBenchWeb } from './web';

const EVENTS = 2000;

async function main(): Promise<void> {
  const { config, socket, userId, close } = await startBenchWeb('bench');
  const otherProcess = createRedis(config.REDIS_URL);
  const publisher = new EventPublisher(otherProcess, config.QUEUE_PREFIX);
  const samples: number[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const started = performance.now();
    const received = new Promise((resolve) => socket.once('status:changed', resolve));
    await publisher.publish('status:changed', { reason: 'bench' }, { userId });
    await received;
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const results = { realtime_event_p50_ms: percentile(samples, 50), realtime_event_p99_ms: percentile(samples, 99) };
  report('realtime_event_p50_ms', results.realtime_event_p50_ms, 'ms', `${EVENTS} events Redis → Socket.IO client`);
  report('realtime_event_p99_ms', results.realtime_event_p99_ms, 'ms', `${EVENTS} events Redis → Socket.IO client`);
  save(results);

  await otherProcess.quit();
  await close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
