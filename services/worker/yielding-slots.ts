import { readFileSync } from 'node:fs';
import type { CustomSlotSupplier, SlotPermit, WorkflowSlotInfo } from '@temporalio/worker';

/**
 * The share of the machine's CPU (0–1, over all its cores) that processes other than this one used in the last half
 * second or so, sampled from /proc every `intervalMs`. Where /proc/stat cannot be read (not Linux), always 0.
 */
export interface OthersCpu {
  share(): number;
  /** Takes a sample now (the timer does so every `intervalMs`). */
  sample(): void;
  close(): void;
}

/** Busy and total time of the whole machine from /proc/stat's first line, in clock ticks; undefined where unreadable. */
export function machineTicks(read: () => string = () => readFileSync('/proc/stat', 'utf8')): { busy: number; total: number } | undefined {
  let text: string;
  try {
    text = read();
  } catch {
    return undefined;
  }
  const line = text.split('\n', 1)[0] ?? '';
  if (!line.startsWith('cpu ')) return undefined;
  // user nice system idle iowait irq softirq steal (guest time is already counted in user)
  const parts = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (parts.length < 8 || parts.some((n) => !Number.isFinite(n))) return undefined;
  const total = parts.reduce((a, b) => a + b, 0);
  return { busy: total - parts[3]! - parts[4]!, total };
}

/** Linux reports /proc/stat in USER_HZ ticks, 100 a second on every architecture Node runs on. */
const TICK_MS = 10;

export function othersCpu(options: { intervalMs?: number; window?: number; ticks?: () => { busy: number; total: number } | undefined; ownMicros?: () => number } = {}): OthersCpu {
  const ticks = options.ticks ?? (() => machineTicks());
  const ownMicros =
    options.ownMicros ??
    (() => {
      const u = process.cpuUsage();
      return u.user + u.system;
    });
  const window = options.window ?? 5;
  const samples: { busy: number; total: number; own: number }[] = [];
  let current = 0;
  const sample = (): boolean => {
    const machine = ticks();
    if (!machine) return false;
    samples.push({ ...machine, own: ownMicros() });
    if (samples.length > window + 1) samples.shift();
    const first = samples[0]!;
    const last = samples[samples.length - 1]!;
    const totalMs = (last.total - first.total) * TICK_MS;
    if (totalMs > 0) current = Math.min(1, Math.max(0, ((last.busy - first.busy) * TICK_MS - (last.own - first.own) / 1000) / totalMs));
    return true;
  };
  const timer = sample() ? setInterval(sample, options.intervalMs ?? 100) : undefined;
  timer?.unref();
  return {
    share: () => current,
    sample: () => void sample(),
    close: () => clearInterval(timer),
  };
}

/**
 * Workflow-task slots that yield to the machine's other processes: up to `maximum` at once while the others use less
 * than `yieldAt` of the machine's CPU, no more than `minimum` while they use more. Where ingest and Temporal share the
 * worker's machine, a burst of new candidates' acknowledgements takes the cores first and the journeys' own workflow
 * tasks follow; the worker's own CPU does not count, so it does not hold itself back while it catches up.
 */
export function yieldingSlots(options: { maximum: number; minimum: number; yieldAt: number; others: Pick<OthersCpu, 'share'>; recheckMs?: number }): CustomSlotSupplier<WorkflowSlotInfo> & {
  inUse(): number;
  close(): void;
} {
  const { maximum, minimum, yieldAt, others } = options;
  let used = 0;
  const waiting: { grant: () => void }[] = [];
  const limit = () => (others.share() >= yieldAt ? minimum : maximum);
  const grantWaiting = () => {
    while (waiting.length > 0 && used < limit()) {
      used += 1;
      waiting.shift()!.grant();
    }
  };
  // A waiting reservation is granted when a slot is released or, while none is, when the others' share falls.
  const recheck = setInterval(grantWaiting, options.recheckMs ?? 100);
  recheck.unref();
  const permit: SlotPermit = {};
  return {
    type: 'custom',
    inUse: () => used,
    close: () => clearInterval(recheck),
    tryReserveSlot() {
      if (waiting.length > 0 || used >= limit()) return null;
      used += 1;
      return permit;
    },
    reserveSlot(_ctx, abortSignal) {
      if (waiting.length === 0 && used < limit()) {
        used += 1;
        return Promise.resolve(permit);
      }
      return new Promise<SlotPermit>((resolve, reject) => {
        const entry = {
          grant: () => {
            abortSignal.removeEventListener('abort', onAbort);
            resolve(permit);
          },
        };
        const onAbort = () => {
          const at = waiting.indexOf(entry);
          if (at >= 0) waiting.splice(at, 1);
          // The SDK expects its own abort reason back (an AbortError); anything else it logs as a failure.
          reject(abortSignal.reason instanceof Error ? abortSignal.reason : new Error(String(abortSignal.reason)));
        };
        if (abortSignal.aborted) return onAbort();
        abortSignal.addEventListener('abort', onAbort, { once: true });
        waiting.push(entry);
      });
    },
    markSlotUsed() {},
    releaseSlot() {
      used = Math.max(0, used - 1);
      grantWaiting();
    },
  };
}
