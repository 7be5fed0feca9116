// useWebSocket: the spec's hook, now a thin React layer over LanechatSocket (lib/lanechat-socket),
// which owns the connection, backoff, watchdog and wake-ups. React reads the socket's status and
// the pending-task registry and the latest `update` frame (`lastEvent`) with useSyncExternalStore.
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { WS_URL, type UpdateEvent } from '../lib/api';
import {
  LanechatSocket,
  PendingTaskRegistry,
  type ProgressData,
  type SocketConstructor,
  type SocketScheduler,
  WATCHDOG_MS,
} from '../lib/lanechat-socket';

export {
  BACKOFF_INITIAL_MS,
  BACKOFF_JITTER,
  BACKOFF_MAX_MS,
  WATCHDOG_MS,
  backoffDelay,
  type ProgressData,
} from '../lib/lanechat-socket';
export type ProgressListener = (progress: ProgressData) => void;
export type UpdateListener = (frame: UpdateEvent) => void;

export interface UseWebSocketOptions {
  /** Socket URL; defaults to WS_URL from lib/api. */
  url?: string;
  /** Random source in [0, 1) for the backoff jitter (tests pass () => 0). */
  random?: () => number;
  /** Silence after which the socket is treated as dead; default 60 s. */
  watchdogMs?: number;
  /** Timers and clock; default the global ones. */
  scheduler?: SocketScheduler;
  /** WebSocket constructor; default the global one. */
  WebSocket?: SocketConstructor;
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
  /** Hears every `update` frame, in order, without a render; returns the unsubscribe function. */
  subscribeUpdates: (listener: UpdateListener) => () => void;
}

/** One socket and its pending-task registry, shared by everything below a provider. */
export interface SocketHandle {
  socket: LanechatSocket;
  pending: PendingTaskRegistry;
}

/** Creates the socket for the caller's lifetime: started on mount, stopped on unmount. */
export function useSocketOwner(options: UseWebSocketOptions = {}): SocketHandle {
  const url = options.url ?? WS_URL;
  const watchdogMs = options.watchdogMs ?? WATCHDOG_MS;
  // The latest callbacks and random source, without making a new socket when they change.
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  const { scheduler, WebSocket: ctor } = options;
  const socket = useMemo(
    () =>
      new LanechatSocket({
        url,
        watchdogMs,
        scheduler,
        WebSocket: ctor,
        random: () => (latest.current.random ?? Math.random)(),
      }),
    [url, watchdogMs, scheduler, ctor],
  );
  const [pending] = useState(() => new PendingTaskRegistry());
  useEffect(() => {
    const off = [
      socket.onReset(() => latest.current.onReset?.()),
      socket.onReady(() => latest.current.onReady?.()),
      socket.onProgress((p) => latest.current.onProgress?.(p)),
    ];
    socket.start();
    return () => {
      socket.stop();
      for (const unsubscribe of off) unsubscribe();
    };
  }, [socket]);
  return useMemo(() => ({ socket, pending }), [socket, pending]);
}

/** The socket's connection state alone: a render only when it changes, never per event. */
export function useSocketConnected(socket: LanechatSocket): boolean {
  return useSyncExternalStore(socket.onStatus, () => socket.isConnected);
}

/** The spec's result over a socket: renders on every `update` frame (for `lastEvent`). */
export function useSocketResult({ socket, pending }: SocketHandle): UseWebSocketResult {
  const isConnected = useSocketConnected(socket);
  const lastEventId = useSyncExternalStore(socket.onStatus, () => socket.lastEventId);
  const pendingTaskIds = useSyncExternalStore(pending.subscribe, () => pending.snapshot);
  // The socket owns the latest frame; each frame (its own task in a browser) renders once. A
  // consumer that must see every frame of a burst uses subscribeUpdates instead.
  const lastEvent = useSyncExternalStore(socket.onUpdate, () => socket.lastUpdate);
  return useMemo(
    () => ({
      lastEvent,
      isConnected,
      lastEventId,
      pendingTaskIds,
      registerPendingTask: pending.register,
      removePendingTask: pending.remove,
      reconnect: socket.reconnect,
      subscribeProgress: socket.onProgress,
      subscribeUpdates: socket.onUpdate,
    }),
    [lastEvent, isConnected, lastEventId, pendingTaskIds, pending, socket],
  );
}

export function useWebSocket(options: UseWebSocketOptions = {}): UseWebSocketResult {
  return useSocketResult(useSocketOwner(options));
}
