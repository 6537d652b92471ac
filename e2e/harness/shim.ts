import { buildPlexeApi, type FilesApi } from '../../main/preload/build-api';

// The browser harness's stand-in for the Electron preload: the same window.plexe surface, carried
// over HTTP to the same validated channel table. The token comes from the page URL's fragment.
const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
if (fromHash) sessionStorage.setItem('harness-token', fromHash);
const token = fromHash ?? sessionStorage.getItem('harness-token') ?? '';

const listeners = new Map<string, Set<(payload: unknown) => void>>();
let source: EventSource | null = null;

function ensureEvents(): void {
  if (source) return;
  source = new EventSource(`/__harness/events?token=${encodeURIComponent(token)}`);
  source.onmessage = (message) => {
    const { name, payload } = JSON.parse(message.data as string) as { name: string; payload: unknown };
    listeners.get(name)?.forEach((l) => l(payload));
  };
}

(window as unknown as { plexe: unknown }).plexe = buildPlexeApi(
  {
    invoke: async (channel, arg) => {
      const response = await fetch(`/__harness/ipc/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-harness-token': token },
        body: JSON.stringify({ arg: arg === undefined ? null : arg, undef: arg === undefined }),
      });
      if (!response.ok) return { ok: false, error: { code: 'harness_refused', message: `The harness refused the call (${response.status}).` } };
      return response.json();
    },
    subscribe: (event, listener) => {
      ensureEvents();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  },
  {
    register: async (file) => {
      const response = await fetch(`/__harness/upload?name=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        headers: { 'x-harness-token': token },
        body: file,
      });
      return (await response.json()) as Awaited<ReturnType<FilesApi['register']>>;
    },
  },
);
