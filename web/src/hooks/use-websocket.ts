// useWebSocket: the tab's one live connection to /ws — subscribe ({token:"stream", since}),
// replay/ready/reset handling, reconnect with exponential backoff + jitter, a 60 s watchdog, and
// the registry of tasks the page is waiting for.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { WS_URL, type ProgressEvent, type ServerFrame, type UpdateEvent } from '../lib/api';

/** `data` of a `progress` frame: live partial output of a running task (never replayed). */
export type ProgressData = ProgressEvent['data'];
export type ProgressListener = (progress: ProgressData) => void;

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

export interface UseWebSocketOptions {
  /** Socket URL; defaults to WS_URL from lib/api. */
  url?: string;
  /** Random source in [0, 1) for the backoff jitter (tests pass () => 0). */
  random?: () => number;
  /** Silence after which the socket is treated as dead; default 60 s. */
  watchdogMs?: number;
  /** Called when the server answers the subscribe with `reset` (its event log cannot resume us). */
  onReset?: () => void;
  /** Called each time the server has finished its replay and sent `ready`. */
  onReady?: () => void;
  /** Called for every `progress` frame (no render is caused by these; see subscribeProgress). */
  onProgress?: ProgressListener;
}

export interface UseWebSocketResult {
  /** The most recent `update` frame (a new object for every frame received). */
  lastEvent: UpdateEvent | null;
  /** The socket is open and subscribed (the server sent `ready`, so its replay is done). */
  isConnected: boolean;
  /** Highest event id seen; sent as `since` on the next subscribe. */
  lastEventId: number | null;
  registerPendingTask: (taskId: string) => void;
  removePendingTask: (taskId: string) => void;
  pendingTaskIds: string[];
  /** Reconnect now (e.g. after signing in), as on `online`. */
  reconnect: () => void;
  /**
   * Hears every `progress` frame, in order, as it arrives (up to ~20/s per task), without a
   * render of the socket's users; returns the unsubscribe function. Stable across renders.
   */
  subscribeProgress: (listener: ProgressListener) => () => void;
}

export function useWebSocket(options: UseWebSocketOptions = {}): UseWebSocketResult {
  const url = options.url ?? WS_URL;
  const watchdogMs = options.watchdogMs ?? WATCHDOG_MS;

  const [lastEvent, setLastEvent] = useState<UpdateEvent | null>(null);
  const [isConnected, setIsConnected] = useState(false);
  const [lastEventId, setLastEventId] = useState<number | null>(null);
  const [pendingTaskIds, setPendingTaskIds] = useState<string[]>([]);

  const lastIdRef = useRef<number | null>(null);
  const pendingRef = useRef<Set<string>>(new Set());
  const wakeRef = useRef<(() => void) | null>(null);
  // Latest callbacks without reconnecting when they change.
  const randomRef = useRef(options.random ?? Math.random);
  const onResetRef = useRef(options.onReset);
  const onReadyRef = useRef(options.onReady);
  const onProgressRef = useRef(options.onProgress);
  const progressListeners = useRef<Set<ProgressListener>>(new Set());
  onProgressRef.current = options.onProgress;
  randomRef.current = options.random ?? Math.random;
  onResetRef.current = options.onReset;
  onReadyRef.current = options.onReady;

  useEffect(() => {
    let disposed = false;
    let socket: WebSocket | null = null;
    let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
    let watchdogTimer: ReturnType<typeof setTimeout> | null = null;
    let attempt = 0;
    let notBefore = 0; // epoch ms: an `error` frame's retry_after_ms
    let resetSeen = false;
    let lastFrameAt = Date.now();

    const noteId = (id: number, force = false) => {
      if (force || lastIdRef.current === null || id > lastIdRef.current) {
        lastIdRef.current = id;
        setLastEventId(id);
      }
    };

    const clearReconnect = () => {
      if (reconnectTimer !== null) clearTimeout(reconnectTimer);
      reconnectTimer = null;
    };
    const clearWatchdog = () => {
      if (watchdogTimer !== null) clearTimeout(watchdogTimer);
      watchdogTimer = null;
    };
    const armWatchdog = () => {
      clearWatchdog();
      lastFrameAt = Date.now();
      watchdogTimer = setTimeout(() => {
        watchdogTimer = null;
        lost();
      }, watchdogMs);
    };

    const detach = (ws: WebSocket) => {
      ws.onopen = null;
      ws.onmessage = null;
      ws.onclose = null;
      ws.onerror = null;
    };

    const dropSocket = () => {
      if (socket === null) return;
      const ws = socket;
      socket = null;
      detach(ws);
      try {
        ws.close();
      } catch {
        // already closing
      }
    };

    const scheduleReconnect = () => {
      if (disposed) return;
      clearReconnect();
      const delay = Math.max(backoffDelay(attempt, randomRef.current), notBefore - Date.now());
      attempt += 1;
      reconnectTimer = setTimeout(() => {
        reconnectTimer = null;
        connect();
      }, delay);
    };

    // The socket closed, failed or went silent: forget it and try again after the backoff.
    const lost = () => {
      dropSocket();
      clearWatchdog();
      setIsConnected(false);
      scheduleReconnect();
    };

    const handleFrame = (frame: ServerFrame) => {
      switch (frame.event) {
        case 'update': {
          if (typeof frame.id === 'number') noteId(frame.id);
          // One render per frame, so an effect watching lastEvent sees every event of a replay.
          flushSync(() => setLastEvent({ ...frame }));
          break;
        }
        case 'ready': {
          const last = frame.data?.last_id;
          if (typeof last === 'number') noteId(last, resetSeen);
          resetSeen = false;
          setIsConnected(true);
          onReadyRef.current?.();
          break;
        }
        case 'reset':
          resetSeen = true;
          onResetRef.current?.();
          break;
        case 'error': {
          const wait = frame.data?.retry_after_ms;
          if (typeof wait === 'number' && wait > 0) notBefore = Date.now() + wait;
          break;
        }
        case 'progress': {
          const d = frame.data;
          if (!d || typeof d.task_id !== 'string' || typeof d.delta !== 'string' || typeof d.offset !== 'number') break;
          const progress: ProgressData = { task_id: d.task_id, message_id: d.message_id, delta: d.delta, offset: d.offset };
          onProgressRef.current?.(progress);
          for (const listener of [...progressListeners.current]) listener(progress);
          break;
        }
        default:
          // ping (the watchdog was re-armed) and types of later versions.
          break;
      }
    };

    const connect = () => {
      clearReconnect();
      if (disposed) return;
      let ws: WebSocket;
      try {
        ws = new WebSocket(url);
      } catch {
        scheduleReconnect();
        return;
      }
      socket = ws;
      armWatchdog();
      ws.onopen = () => {
        if (socket !== ws) return;
        attempt = 0;
        const subscribe: { token: string; since?: number } = { token: 'stream' };
        if (lastIdRef.current !== null) subscribe.since = lastIdRef.current;
        ws.send(JSON.stringify(subscribe));
        armWatchdog();
      };
      ws.onmessage = (e: MessageEvent) => {
        if (socket !== ws) return;
        armWatchdog();
        if (typeof e.data !== 'string') return;
        let frame: ServerFrame;
        try {
          frame = JSON.parse(e.data) as ServerFrame;
        } catch {
          return;
        }
        if (frame && typeof frame === 'object' && typeof frame.event === 'string') handleFrame(frame);
      };
      ws.onclose = () => {
        if (socket !== ws) return;
        lost();
      };
      ws.onerror = () => {
        // A close event follows an error; reconnecting happens there.
      };
    };

    // Back in view / back online: reconnect now instead of sitting out a long backoff wait.
    const wake = () => {
      if (disposed) return;
      if (socket !== null) {
        const silentFor = Date.now() - lastFrameAt;
        if (socket.readyState === WebSocket.CONNECTING) return;
        if (socket.readyState === WebSocket.OPEN && silentFor < watchdogMs) return;
        lost();
      }
      attempt = 0;
      clearReconnect();
      const wait = notBefore - Date.now();
      if (wait > 0) {
        reconnectTimer = setTimeout(() => {
          reconnectTimer = null;
          connect();
        }, wait);
      } else {
        connect();
      }
    };
    const onVisibility = () => {
      if (document.visibilityState === 'visible') wake();
    };

    wakeRef.current = wake;
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('online', wake);
    connect();

    return () => {
      disposed = true;
      wakeRef.current = null;
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('online', wake);
      clearReconnect();
      clearWatchdog();
      dropSocket();
    };
  }, [url, watchdogMs]);

  const registerPendingTask = useCallback((taskId: string) => {
    if (pendingRef.current.has(taskId)) return;
    pendingRef.current.add(taskId);
    setPendingTaskIds([...pendingRef.current]);
  }, []);

  const removePendingTask = useCallback((taskId: string) => {
    if (!pendingRef.current.delete(taskId)) return;
    setPendingTaskIds([...pendingRef.current]);
  }, []);

  const reconnect = useCallback(() => wakeRef.current?.(), []);

  const subscribeProgress = useCallback((listener: ProgressListener) => {
    progressListeners.current.add(listener);
    return () => {
      progressListeners.current.delete(listener);
    };
  }, []);

  return useMemo(
    () => ({ lastEvent, isConnected, lastEventId, registerPendingTask, removePendingTask, pendingTaskIds, reconnect, subscribeProgress }),
    [lastEvent, isConnected, lastEventId, registerPendingTask, removePendingTask, pendingTaskIds, reconnect, subscribeProgress],
  );
}
