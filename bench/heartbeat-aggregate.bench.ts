// Parsing and aggregation throughput of the heartbeat on one core: raw combined-stream messages (real XRP/ETH
// aggTrades in their real order, time compressed 300× to a busy pair's ~1,400 trades a minute, replayed back to back) → parseFeedMessage → CandleAggregator for the 8 timeframes, with the
// clock closing candles as it goes. No I/O: this is the in-process ceiling the actor must stay close to.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CandleAggregator } from '../core/candles/aggregator';
import { parseFeedMessage } from '../core/feeds/binance-messages';
import { FIXTURES } from '../test/helpers/fixtures';
import { report, save } from './harness';

const MESSAGES = 2_000_000;
const FILE = path.join(FIXTURES, 'trades', 'binance_XRPETH_aggTrades_raw_2019-10-11_13.json');

function main(): void {
  if (!existsSync(FILE)) {
    process.stdout.write('  heartbeat aggregation: skipped, fixtures absent\n');
    save({});
    return;
  }
  const trades = JSON.parse(readFileSync(FILE, 'utf8')) as { p: string; q: string; T: number }[];
  const t0 = trades[0].T;
  const COMPRESSION = 300;
  const span = Math.ceil((trades[trades.length - 1].T - t0) / COMPRESSION) + 60_000;
  const messages: string[] = [];
  for (let i = 0; messages.length < MESSAGES; i++) {
    const t = trades[i % trades.length];
    const time = t0 + Math.floor((t.T - t0) / COMPRESSION) + Math.floor(i / trades.length) * span;
    messages.push(
      `{"stream":"xrpeth@aggTrade","data":{"e":"aggTrade","E":${time},"s":"XRPETH","a":${i},"p":"${t.p}","q":"${t.q}","f":${i},"l":${i},"T":${time},"m":true,"M":true}}`,
    );
  }
  const run = () => {
    const aggregator = new CandleAggregator('XRPETH', 1_000);
    let candles = 0;
    let deadline = Number.NEGATIVE_INFINITY;
    for (const raw of messages) {
      const message = parseFeedMessage(raw);
      if (message.kind !== 'trade') continue;
      if (message.time >= deadline) {
        candles += aggregator.closeDue(message.time).length;
        deadline = aggregator.nextDeadline() ?? Number.NEGATIVE_INFINITY;
      }
      aggregator.addTrade(message.price, message.quantity, message.time);
    }
    return candles;
  };
  run();
  const started = performance.now();
  const candles = run();
  const seconds = (performance.now() - started) / 1000;
  const rate = MESSAGES / seconds;
  report(
    'heartbeat_aggregate_msgs_per_s',
    rate,
    'msg/s',
    `${MESSAGES.toLocaleString('en')} messages, ${candles} candles closed, 8 timeframes`,
  );
  save({ heartbeat_aggregate_msgs_per_s: Math.round(rate) });
}

main();
