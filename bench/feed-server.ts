// A stand-in Binance in its own process for the websocket throughput bench, so that producing the messages does not
// share a core with the heartbeat that reads them. Prints its port, then on "go" on stdin streams `count` trade
// messages in the combined-stream format to every client, as fast as the socket drains; REST klines answer [].
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

const count = Number(process.argv[2] ?? 1_000_000);
const startTime = Number(process.argv[3] ?? Date.now());
const http = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('[]');
});
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
const clients = new Set<WebSocket>();
wss.on('connection', (ws) => {
  clients.add(ws);
  ws.on('close', () => clients.delete(ws));
});

const prices = Array.from({ length: 97 }, (_, i) => (0.0014 + i * 0.00000001).toFixed(8));

async function stream(ws: WebSocket): Promise<void> {
  // Writes are corked per thousand messages: the bench measures the reader, not one syscall per frame here.
  const socket = (ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
  for (let i = 0; i < count; i++) {
    if (i % 1000 === 0) socket.cork();
    const time = startTime + (i % 50_000);
    ws.send(
      `{"stream":"xrpeth@trade","data":{"e":"trade","E":${time},"s":"XRPETH","t":${i},"p":"${prices[i % 97]}","q":"${(i % 500) + 1}.00000000","T":${time},"m":true,"M":true}}`,
    );
    if (i % 1000 === 999) socket.uncork();
    if (ws.bufferedAmount > 8 * 1024 * 1024) {
      socket.uncork();
      while (ws.bufferedAmount > 1024 * 1024) await new Promise((r) => setTimeout(r, 1));
    }
  }
  socket.uncork();
}

http.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(http.address() as AddressInfo).port}\n`);
});
process.stdin.on('data', (data) => {
  if (data.toString().trim() === 'go') for (const ws of clients) void stream(ws);
});
