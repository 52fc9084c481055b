import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeChatMessage {
  role: string;
  content: string;
}

/** What the fake model answers: its text, or an HTTP error as the provider would send it. */
export type FakeReply = string | { status: number; body: unknown };

/**
 * A local AI provider speaking the real protocols: OpenRouter's (`/api/v1/key`, `/api/v1/models`,
 * `/api/v1/chat/completions`, Bearer keys, `{error: {message, code}}` bodies) or Ollama's (`/api/tags`, and the
 * OpenAI-compatible `/v1/chat/completions`, 404 for a model not pulled). Every request is recorded.
 */
export class FakeAiServer {
  readonly requests: { method: string; path: string; authorization: string | null; body: unknown }[] = [];
  /** The model's behaviour; by default it repeats the last user message. */
  reply: (messages: FakeChatMessage[], model: string) => FakeReply = (messages) => messages.at(-1)?.content ?? '';
  /** Delay before answering chat requests (to play a slow model). */
  chatDelayMs = 0;
  /** Requests whose client hung up before the answer. */
  abandoned = 0;
  readonly validKeys = new Set<string>();
  /**
   * When set, every request gets this answer instead of the provider's: a redirect, an error page, a server that
   * is not the provider. Its body is what no error message of ours may repeat.
   */
  raw: { status: number; headers?: Record<string, string>; body: string } | null = null;
  models: string[];
  private readonly server: Server;
  private readonly sockets = new Set<import('node:net').Socket>();

  constructor(readonly kind: 'openrouter' | 'ollama') {
    this.models =
      kind === 'openrouter'
        ? ['anthropic/claude-sonnet-4.5', 'openai/gpt-4o-mini', 'qwen/qwen-2.5-coder-32b-instruct']
        : ['qwen2.5-coder:7b', 'llama3.1:8b'];
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return this.kind === 'openrouter' ? `http://127.0.0.1:${port}/api/v1` : `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  chatRequests(): { model: string; messages: FakeChatMessage[] }[] {
    return this.requests
      .filter((r) => r.path.endsWith('/chat/completions'))
      .map((r) => r.body as { model: string; messages: FakeChatMessage[] });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? (JSON.parse(text) as unknown) : null;
    const path = (req.url ?? '/').split('?')[0];
    this.requests.push({ method: req.method ?? 'GET', path, authorization: req.headers.authorization ?? null, body });
    res.on('close', () => {
      if (!res.writableEnded) this.abandoned++;
    });
    if (this.raw) {
      res.writeHead(this.raw.status, this.raw.headers ?? { 'content-type': 'text/html' });
      res.end(this.raw.body);
      return;
    }
    const send = (status: number, payload: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (this.kind === 'openrouter') this.openRouter(req, path, body, send);
    else this.ollama(req, path, body, send);
  }

  private openRouter(
    req: IncomingMessage,
    path: string,
    body: unknown,
    send: (status: number, payload: unknown) => void,
  ): void {
    if (req.method === 'GET' && path === '/api/v1/models') {
      send(200, {
        data: this.models.map((id, i) => ({
          id,
          canonical_slug: id,
          name: `${id.split('/')[0]}: ${id.split('/')[1]}`,
          created: 1_700_000_000 + i,
          description: 'A model.',
          context_length: 128_000 * (i + 1),
          architecture: { modality: 'text->text', input_modalities: ['text'], output_modalities: ['text'] },
          pricing: { prompt: '0.000003', completion: '0.000015', request: '0', image: '0' },
          top_provider: { context_length: 128_000, max_completion_tokens: 16_384, is_moderated: false },
          per_request_limits: null,
          supported_parameters: ['temperature', 'max_tokens'],
        })),
      });
      return;
    }
    const key = req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? '';
    if (!key) return send(401, { error: { message: 'No auth credentials found', code: 401 } });
    if (!this.validKeys.has(key)) return send(401, { error: { message: 'User not found.', code: 401 } });
    if (req.method === 'GET' && path === '/api/v1/key') {
      send(200, {
        data: { label: `${key.slice(0, 9)}...${key.slice(-3)}`, usage: 0, limit: null, is_free_tier: false },
      });
      return;
    }
    if (req.method === 'POST' && path === '/api/v1/chat/completions') {
      void this.chat(body, send, (model) => ({ id: `gen-${Date.now()}`, provider: 'Fake', model }));
      return;
    }
    send(404, { error: { message: 'Not Found', code: 404 } });
  }

  private ollama(req: IncomingMessage, path: string, body: unknown, send: (status: number, payload: unknown) => void) {
    if (req.method === 'GET' && path === '/api/tags') {
      send(200, {
        models: this.models.map((name) => ({
          name,
          model: name,
          modified_at: '2025-10-03T23:34:03.409490317-07:00',
          size: 4_683_087_332,
          digest: 'dae161e27b0e90dd1856c8bb3209201fd6736d8eb66298e75ed87571486f4364',
          details: {
            parent_model: '',
            format: 'gguf',
            family: 'qwen2',
            families: ['qwen2'],
            parameter_size: '7.6B',
            quantization_level: 'Q4_K_M',
          },
        })),
      });
      return;
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      const model = (body as { model?: string }).model ?? '';
      if (!this.models.includes(model)) {
        send(404, {
          error: {
            message: `model "${model}" not found, try pulling it first`,
            type: 'api_error',
            param: null,
            code: null,
          },
        });
        return;
      }
      void this.chat(body, send, (m) => ({ id: 'chatcmpl-412', model: m, system_fingerprint: 'fp_ollama' }));
      return;
    }
    send(404, { error: '404 page not found' });
  }

  private async chat(
    body: unknown,
    send: (status: number, payload: unknown) => void,
    envelope: (model: string) => Record<string, unknown>,
  ): Promise<void> {
    const { model, messages } = body as { model: string; messages: FakeChatMessage[] };
    if (this.chatDelayMs) await new Promise((resolve) => setTimeout(resolve, this.chatDelayMs).unref());
    const reply = this.reply(messages, model);
    if (typeof reply !== 'string') return send(reply.status, reply.body);
    send(200, {
      ...envelope(model),
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      choices: [{ index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500 },
    });
  }
}
