// A controllable stand-in for the browser WebSocket: tests open it, push frames, close it and
// read what the client sent. Install with vi.stubGlobal('WebSocket', MockWebSocket).
export class MockWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static instances: MockWebSocket[] = [];

  static reset(): void {
    MockWebSocket.instances = [];
  }
  static latest(): MockWebSocket {
    const ws = MockWebSocket.instances[MockWebSocket.instances.length - 1];
    if (!ws) throw new Error('no socket was created');
    return ws;
  }
  static openCount(): number {
    return MockWebSocket.instances.filter((ws) => ws.readyState !== MockWebSocket.CLOSED).length;
  }

  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;

  url: string;
  readyState = MockWebSocket.CONNECTING;
  sent: string[] = [];
  closedByClient = false;
  onopen: ((e: Event) => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onclose: ((e: CloseEvent) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;

  constructor(url: string) {
    this.url = url;
    MockWebSocket.instances.push(this);
  }

  send(data: string): void {
    if (this.readyState !== MockWebSocket.OPEN) throw new Error('send on a socket that is not open');
    this.sent.push(data);
  }

  close(): void {
    if (this.readyState === MockWebSocket.CLOSED) return;
    this.closedByClient = true;
    this.readyState = MockWebSocket.CLOSED;
    this.onclose?.({ code: 1000, reason: '', wasClean: true } as CloseEvent);
  }

  // --- test side -------------------------------------------------------------------------
  sentJson(): unknown[] {
    return this.sent.map((s) => JSON.parse(s));
  }
  serverOpen(): void {
    this.readyState = MockWebSocket.OPEN;
    this.onopen?.(new Event('open'));
  }
  serverSend(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) } as MessageEvent);
  }
  serverClose(code = 1006): void {
    if (this.readyState === MockWebSocket.CLOSED) return;
    this.readyState = MockWebSocket.CLOSED;
    this.onerror?.(new Event('error'));
    this.onclose?.({ code, reason: '', wasClean: false } as CloseEvent);
  }
  /** Open and answer the subscribe with `ready`. */
  serverReady(lastId = 0): void {
    this.serverOpen();
    this.serverSend({ event: 'ready', data: { last_id: lastId } });
  }
}
