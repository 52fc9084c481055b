// What hostile strategies cost everyone else: GET /api/health's latency in the web process while four users'
// validations burn their whole CPU budget at once (an endless top level, an endless shouldLong, shouldLong just under
// the per-call limit on every candle, an error whose message getter never returns). They run on the sandbox pool's
// threads (SANDBOX_THREADS); the web's event loop only passes messages. Target: p99 ≤ 50 ms.
import { httpSession } from '../test/helpers/app';
import { BUDGET_BURNERS } from '../test/helpers/hostile-strategies';
import { percentile, report, save } from './harness';
import { startBenchWeb } from './web';

const ROUNDS = 3;
const HOSTILE = BUDGET_BURNERS;

async function main(): Promise<void> {
  const web = await startBenchWeb('sandbox');
  try {
    const users = await Promise.all(HOSTILE.map(() => httpSession(web.url)));
    const validate = (k: number, code: string) =>
      fetch(`${web.url}/api/strategies/validate`, {
        method: 'POST',
        headers: users[k].headers,
        body: JSON.stringify({ code }),
      }).then((res) => res.json() as Promise<{ ok: boolean }>);
    const health = async () => {
      const started = performance.now();
      const res = await web.call('GET', '/api/health');
      if (res.status !== 200) throw new Error(`health ${res.status}`);
      return performance.now() - started;
    };
    // The threads start and compile the sandbox once: not what is measured.
    await validate(0, HOSTILE[1]);
    const idle: number[] = [];
    for (let k = 0; k < 200; k++) idle.push(await health());
    const busy: number[] = [];
    let refused = 0;
    for (let round = 0; round < ROUNDS; round++) {
      let running = HOSTILE.length;
      const answers = HOSTILE.map((code, k) => validate(k, code).finally(() => running--));
      while (running > 0) {
        busy.push(await health());
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      refused += (await Promise.all(answers)).filter((a) => !a.ok).length;
    }
    if (refused !== ROUNDS * HOSTILE.length) throw new Error('a hostile validation was accepted');
    idle.sort((a, b) => a - b);
    busy.sort((a, b) => a - b);
    const p99 = percentile(busy, 99);
    report('sandbox_hostile_health_p99_ms', p99, 'ms', `${busy.length} calls during ${ROUNDS} × 4 hostile validations`);
    process.stdout.write(
      `    p50 ${percentile(busy, 50).toFixed(1)} ms while they run; idle p50 ${percentile(idle, 50).toFixed(1)} / p99 ${percentile(idle, 99).toFixed(1)} ms (${idle.length} calls)\n`,
    );
    save({ sandbox_hostile_health_p99_ms: p99 });
  } finally {
    await web.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
