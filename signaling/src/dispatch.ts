import { FLOOD_REFUSALS, fail, type ErrorCode, type Result } from '@meshchat/protocol';
import type { ChatSocket, Handler, Handlers, Hub } from './hub';
import { StoreUnavailableError } from './store';
import { budgetOf, type Throttle } from './throttle';

type Ack = (result: Result<object>) => void;

/** Refusals are logged as one line per socket per window, never one per event. */
const SUMMARY_WINDOW_MS = 10_000;
/** Longest event name that is even looked up; longer ones are unknown by definition. */
const EVENT_NAME_MAX = 32;

/** What one socket had refused in the current window. */
interface Refusals {
  since: number;
  count: number;
  overBudget: number;
  codes: Partial<Record<ErrorCode, number>>;
}

/**
 * The one gate every inbound event passes: its name must be a known string, its sender within
 * budget, its payload valid for its handler. A socket that keeps sending past its budget is
 * disconnected and no longer answered; what was refused is logged once per socket per window.
 */
export class Dispatcher {
  readonly #hub: Hub;
  readonly #handlers: Map<string, Handler>;
  readonly #throttle: Throttle;
  readonly #closing: () => boolean;
  readonly #refusals = new Map<string, Refusals>();

  constructor(hub: Hub, handlers: Handlers, throttle: Throttle, closing: () => boolean) {
    this.#hub = hub;
    this.#handlers = new Map(handlers);
    this.#throttle = throttle;
    this.#closing = closing;
  }

  attach(socket: ChatSocket): void {
    // onAny runs as each packet is read; socket.io's per-event listeners run a tick later and miss
    // what was read together with the socket's close, such as a closing page's goodbye.
    socket.onAny((event: unknown, ...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as Ack) : undefined;
      void this.#dispatch(socket, event, args, ack);
    });
    socket.on('disconnect', () => this.#summarize(socket.id, 'disconnected'));
  }

  async #dispatch(socket: ChatSocket, event: unknown, args: unknown[], ack: Ack | undefined): Promise<void> {
    if (socket.disconnected) return;
    // socket.io lets a client name an event with any JSON value: only strings are names.
    const name = typeof event === 'string' && event.length <= EVENT_NAME_MAX ? event : undefined;
    // The memory store answers at once: no promise to wait for on every event.
    const allowed = this.#throttle.allow(budgetOf(name), socket.id, this.#hub.addressOf(socket));
    const withinBudget = typeof allowed === 'boolean' ? allowed : await allowed;
    const result = withinBudget ? await this.#run(socket, name, args) : fail('RATE_LIMITED');
    if (socket.disconnected) return;
    if (!result.ok && !this.#refused(socket, result.code, !withinBudget)) return;
    if (ack) ack(result);
    else if (!result.ok) socket.emit('protocol-error', { event: name ?? '', code: result.code });
  }

  async #run(socket: ChatSocket, name: string | undefined, args: unknown[]): Promise<Result<object>> {
    if (this.#closing()) return fail('SHUTTING_DOWN');
    const found = name === undefined ? undefined : this.#handlers.get(name);
    if (!found) return fail(name === undefined ? 'BAD_REQUEST' : 'UNKNOWN_EVENT');
    if (args.length > 1) return fail('BAD_REQUEST', 'one payload per event');
    if (!this.#hub.store.healthy) return fail('UNAVAILABLE');
    try {
      return await found.handle(socket, args[0]);
    } catch (error: unknown) {
      if (error instanceof StoreUnavailableError) return fail('UNAVAILABLE');
      this.#hub.log.error({ event: 'handler-error', name, sid: socket.id, err: error }, 'handler failed');
      return fail('BAD_REQUEST');
    }
  }

  /** Count a refusal; `false` once the socket is cut off for flooding (nothing more is answered). */
  #refused(socket: ChatSocket, code: ErrorCode, overBudget: boolean): boolean {
    const now = Date.now();
    let refusals = this.#refusals.get(socket.id);
    if (refusals && now - refusals.since >= SUMMARY_WINDOW_MS) {
      this.#summarize(socket.id, 'window');
      refusals = undefined;
    }
    if (!refusals) {
      refusals = { since: now, count: 0, overBudget: 0, codes: {} };
      this.#refusals.set(socket.id, refusals);
      this.#hub.log.info({ event: 'refused', code, sid: socket.id }, 'event refused');
    }
    refusals.count += 1;
    refusals.codes[code] = (refusals.codes[code] ?? 0) + 1;
    if (overBudget) refusals.overBudget += 1;
    if (refusals.overBudget <= FLOOD_REFUSALS) return true;
    this.#summarize(socket.id, 'flood');
    socket.disconnect(true);
    return false;
  }

  #summarize(socketId: string, why: 'window' | 'flood' | 'disconnected'): void {
    const refusals = this.#refusals.get(socketId);
    this.#refusals.delete(socketId);
    if (!refusals) return;
    if (why === 'flood') {
      this.#hub.log.warn({ event: 'flood-cut-off', sid: socketId, refused: refusals.count, codes: refusals.codes }, 'flooding socket disconnected');
    } else if (refusals.count > 1) {
      this.#hub.log.info({ event: 'refused-summary', sid: socketId, refused: refusals.count, codes: refusals.codes }, 'events refused');
    }
  }
}
