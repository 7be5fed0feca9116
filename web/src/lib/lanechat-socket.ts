// LanechatSocket: the tab's one live connection to /ws, with no React in it. It subscribes
// ({token:"stream", since}), reconnects with exponential backoff + jitter, treats 60 s of silence
// as a dead socket, reconnects at once when the page is visible / the browser is online again,
// honours an `error` frame's retry_after_ms, and hands frames to typed listeners. Its timers, clock,
// random source, WebSocket constructor and wake signals are injected, so tests drive it exactly.
import type { ProgressEvent, ServerFrame, UpdateEvent } from './api';

/** `data` of a `progress` frame: live partial output of a running task (never replayed). */
export type ProgressData = ProgressEvent['data'];

export const BACKOFF_INITIAL_MS = 1000;
export const BACKOFF_MAX_MS = 30000;
/** Each wait gets a random extra of at most this fraction of itself. */
export const BACKOFF_JITTER = 0.2;
/** No frame (data or ping) for this long: the socket is dead. The server pings every 25 s. */
export const WATCHDOG_MS = 60000;

/** The wait before reconnect attempt number `attempt` (0-based): 1, 2, 4, 8, 16, 30, 30 … s plus jitter. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_INITIAL_MS * 2 ** Math.min(attempt, 16), BACKOFF_MAX_MS);
  const r = Math.min(Math.max(random(), 0), 1);
  return base + Math.floor(base * BACKOFF_JITTER * r);
}

/** The clock and timers the socket uses (the Java client's `Scheduler` is the model). */
export interface SocketScheduler {
  now(): number;
  setTimeout(task: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What the socket needs of a browser WebSocket. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((e: Event) => void) | null;
  onmessage: ((e: MessageEvent) => void) | null;
  onclose: ((e: CloseEvent) => void) | null;
  onerror: ((e: Event) => void) | null;
  send(data: string): void;
  close(): void;
}
export type SocketConstructor = new (url: string) => SocketLike;

/** Calls `wake` whenever reconnecting at once is worth it; returns the unsubscribe function. */
export type WakeSignals = (wake: () => void) => () => void;

export interface LanechatSocketOptions {
  url: string;
  /** Random source in [0, 1) for the backoff jitter. */
  random?: () => number;
  watchdogMs?: number;
  /** Default: the global timers and Date.now, looked up at each call (so fake timers apply). */
  scheduler?: SocketScheduler;
  /** Default: the global WebSocket, looked up at each connect. */
  WebSocket?: SocketConstructor;
  /** Default: the page becoming visible (`visibilitychange`) and the browser going `online`. */
  wakeSignals?: WakeSignals;
}

const CONNECTING = 0;
const OPEN = 1;

const globalScheduler: SocketScheduler = {
  now: () => Date.now(),
  setTimeout: (task, ms) => setTimeout(task, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const browserWakeSignals: WakeSignals = (wake) => {
  const onVisibility = () => {
    if (document.visibilityState === 'visible') wake();
  };
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('online', wake);
  return () => {
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('online', wake);
  };
};

/** A set of listeners of one kind; `emit` calls a copy, so a listener may unsubscribe itself. */
class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();
  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => {
      this.set.delete(listener);
    };
  }
  emit(value: T): void {
    for (const listener of [...this.set]) listener(value);
  }
}

export class LanechatSocket {
  private readonly url: string;
  private readonly random: () => number;
  private readonly watchdogMs: number;
  private readonly scheduler: SocketScheduler;
  private readonly ctor: SocketConstructor | undefined;
  private readonly wakeSignals: WakeSignals;

  private readonly statusListeners = new Listeners<void>();
  private readonly updateListeners = new Listeners<UpdateEvent>();
  private readonly progressListeners = new Listeners<ProgressData>();
  private readonly readyListeners = new Listeners<void>();
  private readonly resetListeners = new Listeners<void>();

  private running = false;
  private socket: SocketLike | null = null;
  private reconnectTimer: unknown = null;
  private watchdogTimer: unknown = null;
  private stopWake: (() => void) | null = null;
  private attempt = 0;
  /** Epoch ms before which no reconnect is made: an `error` frame's retry_after_ms. */
  private notBefore = 0;
  private resetSeen = false;
  private lastFrameAt = 0;
  private connected = false;
  private lastId: number | null = null;
  private latestUpdate: UpdateEvent | null = null;

  constructor(options: LanechatSocketOptions) {
    this.url = options.url;
    this.random = options.random ?? Math.random;
    this.watchdogMs = options.watchdogMs ?? WATCHDOG_MS;
    this.scheduler = options.scheduler ?? globalScheduler;
    this.ctor = options.WebSocket;
    this.wakeSignals = options.wakeSignals ?? browserWakeSignals;
  }

  /** Open and subscribed: the server answered with `ready`, so its replay is done. */
  get isConnected(): boolean {
    return this.connected;
  }
  /** Highest event id seen; sent as `since` on the next subscribe. */
  get lastEventId(): number | null {
    return this.lastId;
  }

  /**
   * The most recent `update` frame (a new object per frame, so a store snapshot changes each
   * time); its listeners are the `onUpdate` ones. React reads it with useSyncExternalStore.
   */
  get lastUpdate(): UpdateEvent | null {
    return this.latestUpdate;
  }

  /** Status listeners hear every change of `isConnected` or `lastEventId`. */
  onStatus = (listener: () => void): (() => void) => this.statusListeners.add(listener);
  onUpdate = (listener: (frame: UpdateEvent) => void): (() => void) => this.updateListeners.add(listener);
  onProgress = (listener: (progress: ProgressData) => void): (() => void) => this.progressListeners.add(listener);
  /** After each subscribe's replay (`ready`), once `isConnected` is true. */
  onReady = (listener: () => void): (() => void) => this.readyListeners.add(listener);
  /** The server cannot resume from our `since` (`reset`): cached data may be stale. */
  onReset = (listener: () => void): (() => void) => this.resetListeners.add(listener);

  /** Connects and keeps connecting until stop(); may be called again after stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.stopWake = this.wakeSignals(this.reconnect);
    this.connect();
  }

  /** Closes the socket and cancels every timer; no listener is called after this. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.stopWake?.();
    this.stopWake = null;
    this.clearReconnect();
    this.clearWatchdog();
    this.dropSocket();
    this.setConnected(false);
  }

  /**
   * Reconnect now instead of sitting out a backoff wait (page visible again, back online, signed
   * in): the backoff restarts at its first step; a pending retry_after_ms is still honoured. A
   * socket that is connecting, or open and not silent, is kept.
   */
  reconnect = (): void => {
    if (!this.running) return;
    if (this.socket !== null) {
      if (this.socket.readyState === CONNECTING) return;
      const silentFor = this.scheduler.now() - this.lastFrameAt;
      if (this.socket.readyState === OPEN && silentFor < this.watchdogMs) return;
      this.lost();
    }
    this.attempt = 0;
    this.clearReconnect();
    const wait = this.notBefore - this.scheduler.now();
    if (wait > 0) this.reconnectTimer = this.scheduler.setTimeout(this.connect, wait);
    else this.connect();
  };

  private connect = (): void => {
    this.reconnectTimer = null;
    if (!this.running) return;
    let ws: SocketLike;
    try {
      const Ctor = this.ctor ?? (globalThis.WebSocket as unknown as SocketConstructor);
      ws = new Ctor(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = ws;
    this.armWatchdog();
    ws.onopen = () => {
      if (this.socket !== ws) return;
      this.attempt = 0;
      const subscribe: { token: string; since?: number } = { token: 'stream' };
      if (this.lastId !== null) subscribe.since = this.lastId;
      ws.send(JSON.stringify(subscribe));
      this.armWatchdog();
    };
    ws.onmessage = (e: MessageEvent) => {
      if (this.socket !== ws) return;
      this.armWatchdog();
      if (typeof e.data !== 'string') return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(e.data) as ServerFrame;
      } catch {
        return;
      }
      if (frame && typeof frame === 'object' && typeof frame.event === 'string') this.handleFrame(frame);
    };
    ws.onclose = () => {
      if (this.socket === ws) this.lost();
    };
    // A close event follows an error; reconnecting happens there.
    ws.onerror = () => {};
  };

  private handleFrame(frame: ServerFrame): void {
    switch (frame.event) {
      case 'update':
        if (typeof frame.id === 'number') this.noteId(frame.id, false);
        this.latestUpdate = { ...frame };
        this.updateListeners.emit(frame);
        break;
      case 'ready': {
        const last = frame.data?.last_id;
        if (typeof last === 'number') this.noteId(last, this.resetSeen);
        this.resetSeen = false;
        this.setConnected(true);
        this.readyListeners.emit();
        break;
      }
      case 'reset':
        this.resetSeen = true;
        this.resetListeners.emit();
        break;
      case 'error': {
        const wait = frame.data?.retry_after_ms;
        if (typeof wait === 'number' && wait > 0) this.notBefore = this.scheduler.now() + wait;
        break;
      }
      case 'progress': {
        const d = frame.data;
        if (!d || typeof d.task_id !== 'string' || typeof d.delta !== 'string' || typeof d.offset !== 'number') break;
        this.progressListeners.emit({ task_id: d.task_id, message_id: d.message_id, delta: d.delta, offset: d.offset });
        break;
      }
      default:
        // ping (the watchdog was re-armed) and types of later versions.
        break;
    }
  }

  /** The socket closed, failed or went silent: forget it and try again after the backoff. */
  private lost(): void {
    this.dropSocket();
    this.clearWatchdog();
    this.setConnected(false);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.running) return;
    this.clearReconnect();
    const delay = Math.max(backoffDelay(this.attempt, this.random), this.notBefore - this.scheduler.now());
    this.attempt += 1;
    this.reconnectTimer = this.scheduler.setTimeout(this.connect, delay);
  }

  private noteId(id: number, force: boolean): void {
    if (force || this.lastId === null || id > this.lastId) {
      this.lastId = id;
      this.statusListeners.emit();
    }
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    this.statusListeners.emit();
  }

  private armWatchdog(): void {
    this.clearWatchdog();
    this.lastFrameAt = this.scheduler.now();
    this.watchdogTimer = this.scheduler.setTimeout(() => {
      this.watchdogTimer = null;
      this.lost();
    }, this.watchdogMs);
  }

  private clearWatchdog(): void {
    if (this.watchdogTimer !== null) this.scheduler.clearTimeout(this.watchdogTimer);
    this.watchdogTimer = null;
  }

  private clearReconnect(): void {
    if (this.reconnectTimer !== null) this.scheduler.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private dropSocket(): void {
    const ws = this.socket;
    if (ws === null) return;
    this.socket = null;
    ws.onopen = null;
    ws.onmessage = null;
    ws.onclose = null;
    ws.onerror = null;
    try {
      ws.close();
    } catch {
      // already closing
    }
  }
}

/** The tasks the page waits for (the spec's pending-task registry); a snapshot per change. */
export class PendingTaskRegistry {
  private ids: string[] = [];
  private readonly listeners = new Listeners<void>();

  get snapshot(): string[] {
    return this.ids;
  }
  subscribe = (listener: () => void): (() => void) => this.listeners.add(listener);
  register = (taskId: string): void => {
    if (this.ids.includes(taskId)) return;
    this.ids = [...this.ids, taskId];
    this.listeners.emit();
  };
  remove = (taskId: string): void => {
    if (!this.ids.includes(taskId)) return;
    this.ids = this.ids.filter((id) => id !== taskId);
    this.listeners.emit();
  };
}
