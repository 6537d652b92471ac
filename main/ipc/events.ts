import { events, type EventName, type EventPayload } from '../../shared/ipc/contract';

type Listener = (name: EventName, payload: unknown) => void;

/** Pushes from main-process services to whichever page is listening (the window or the harness). */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const checked = events[name].parse(payload);
    for (const l of this.listeners) l(name, checked);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
