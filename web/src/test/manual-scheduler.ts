// A deterministic clock and timer queue for LanechatSocket: time moves only when a test says so.
import type { SocketScheduler } from '../lib/lanechat-socket';

export class ManualScheduler implements SocketScheduler {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; task: () => void }>();

  now = (): number => this.time;
  setTimeout = (task: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, task });
    return id;
  };
  clearTimeout = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  /** Pending timers. */
  get size(): number {
    return this.timers.size;
  }
  /** The delays of the pending timers, from now. */
  delays(): number[] {
    return [...this.timers.values()].map((t) => t.at - this.time).sort((a, b) => a - b);
  }
  /** Moves time forward, running each timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [number, { at: number; task: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].task();
    }
    this.time = end;
  }
}
