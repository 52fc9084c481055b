// The live bench's fake Binance in a process of its own, as a real exchange is: its request parsing, signature checks
// and order book do not share the measured worker's CPU. Each order it accepts is reported to the bench with the
// time it was taken (the monotonic clock, the same in every process of the machine).
import { fork, type ChildProcess } from 'node:child_process';
import { benchExchange } from './live-setup';

/** Milliseconds on the machine's monotonic clock, comparable across processes. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

type Message = { url: string } | { acceptedAt: number };

export interface BenchExchange {
  url: string;
  /** Called with the monotonic time of each order the exchange accepts. */
  onOrderAccepted?: (at: number) => void;
  close(): Promise<void>;
}

export async function startBenchExchange(): Promise<BenchExchange> {
  const child: ChildProcess = fork(__filename, ['serve'], { execArgv: ['--no-node-snapshot', '--import', 'tsx'] });
  const exchange: BenchExchange = {
    url: '',
    close: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    },
  };
  exchange.url = await new Promise<string>((resolve, reject) => {
    child.on('message', (message: Message) => {
      if ('url' in message) resolve(message.url);
      else exchange.onOrderAccepted?.(message.acceptedAt);
    });
    child.once('exit', (code) => reject(new Error(`the bench exchange exited (${code})`)));
  });
  return exchange;
}

async function serve(): Promise<void> {
  const fake = benchExchange();
  fake.onOrderAccepted = () => void process.send!({ acceptedAt: monotonicMs() } satisfies Message);
  const url = await fake.listen();
  process.send!({ url } satisfies Message);
  process.once('SIGTERM', () => void fake.close().then(() => process.exit(0)));
}

if (process.argv[2] === 'serve') void serve();
