// Latency from a candle boundary to the close signal in a signed-in Socket.IO client: the close timer fires →
// candles and signals stored in PostgreSQL → published on Redis → relayed by the web gateway → received. The clock
// is driven by hand, so the figure excludes the grace period (1 s by default) that the live heartbeat waits first.
import type { HeartbeatSignal } from '../core/realtime/events';
import { FakeBinance } from '../test/fakes/binance-server';
import { ManualClock } from '../test/helpers/manual-clock';
import { percentile, report, save } from './harness';
import { binanceId } from '../core/feeds/binance-symbols';
import { GRACE_MS, MINUTE, startBenchHeartbeat } from './heartbeat';
import { startBenchWeb } from './web';

const CLOSES = 300;

async function main(): Promise<void> {
  const web = await startBenchWeb('benchsig');
  const { config, db, publisher, socket } = web;
  // A symbol of its own, so stored candles never collide with another run's.
  const symbol = `BENCH${process.pid % 100_000}/USDT`;
  const start = Math.floor(Date.now() / MINUTE) * MINUTE;
  const clock = new ManualClock(start + 1_000);
  const fake = new FakeBinance(clock);
  const urls = await fake.listen();
  const { actor, close } = await startBenchHeartbeat({ config, db, publisher, urls, symbol, clock, start });

  const samples: number[] = [];
  for (let i = 1; i <= CLOSES; i++) {
    const minute = start + i * MINUTE;
    const trade = {
      e: 'aggTrade' as const,
      E: minute + 10,
      s: binanceId(symbol),
      a: i,
      p: `${100 + (i % 7)}.5`,
      q: '0.01',
      f: i,
      l: i,
      T: minute + 10,
      m: true,
      M: false,
    };
    fake.sendTrades([trade]);
    while (actor.stats.trades < i) await new Promise((r) => setTimeout(r, 1));
    const received = new Promise<void>((resolve) => {
      const onSignals = ({ signals }: { signals: HeartbeatSignal[] }) => {
        if (!signals.some((s) => s.timeframe === '1m' && s.candleTime === minute)) return;
        socket.off('heartbeat:signals', onSignals);
        resolve();
      };
      socket.on('heartbeat:signals', onSignals);
    });
    const boundary = performance.now();
    await clock.advanceTo(minute + MINUTE + GRACE_MS);
    await received;
    samples.push(performance.now() - boundary);
    await actor.idle();
  }
  samples.sort((a, b) => a - b);
  const results = {
    heartbeat_signal_p50_ms: percentile(samples, 50),
    heartbeat_signal_p99_ms: percentile(samples, 99),
  };
  const work = `${CLOSES} one-minute closes (longer timeframes at their boundaries), boundary + ${GRACE_MS} ms grace → Socket.IO client; grace excluded`;
  report('heartbeat_signal_p50_ms', results.heartbeat_signal_p50_ms, 'ms', work);
  report('heartbeat_signal_p99_ms', results.heartbeat_signal_p99_ms, 'ms', work);
  save(results);

  await close();
  await db('candles').where({ symbol }).delete();
  await db('candles_heartbeat').where({ symbol }).delete();
  await fake.close();
  await web.close();
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
