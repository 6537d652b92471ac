import type { z } from 'zod';
import type { ChannelDef, DomainOf } from './define';
import type { IpcResult } from './errors';
import { appChannels, appEvents, type PreloadOnlyChannel } from './app';
import { accountChannels } from './accounts';
import { modelChannels } from './models';
import { predictChannels, predictEvents } from './predict';
import { historyChannels } from './history';
import { diagnosticsChannels, diagnosticsEvents } from './diagnostics';
import { jobChannels, jobEvents } from './jobs';
import { settingsChannels } from './settings';
import { compareChannels } from './compare';
import { evaluateChannels } from './evaluate';

/**
 * The whole IPC contract: every channel the renderer may call, with one runtime schema for its
 * argument (checked by main before anything runs) and one for its answer. Each domain keeps its
 * channels in its own file; this table only gathers them.
 */
export const channels = {
  ...appChannels,
  ...accountChannels,
  ...modelChannels,
  ...predictChannels,
  ...historyChannels,
  ...diagnosticsChannels,
  ...jobChannels,
  ...settingsChannels,
  ...compareChannels,
  ...evaluateChannels,
} as const satisfies Record<string, ChannelDef>;

/** Pushes from main to the renderer. */
export const events = {
  ...appEvents,
  ...predictEvents,
  ...diagnosticsEvents,
  ...jobEvents,
} as const satisfies Record<string, z.ZodType>;

export type Channels = typeof channels;
export type ChannelName = keyof Channels & string;
export type EventName = keyof typeof events & string;
export type ChannelInput<C extends ChannelName> = z.input<Channels[C]['input']>;
export type ChannelArgs<C extends ChannelName> = z.output<Channels[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Channels[C]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;
/** The channels the page may call (the preload keeps a few for itself). */
export type PageChannelName = Exclude<ChannelName, PreloadOnlyChannel>;
type Domains = DomainOf<PageChannelName>;
type Fn<C extends ChannelName> =
  undefined extends ChannelInput<C>
    ? (input?: ChannelInput<C>) => Promise<IpcResult<ChannelOutput<C>>>
    : (input: ChannelInput<C>) => Promise<IpcResult<ChannelOutput<C>>>;

type EventVerb<E extends string> = E extends `event:${infer V}` ? Camel<V> : never;

/** What the preload puts on `window.plexe`: named functions only, grouped by domain. */
export type PlexeApi = {
  [D in Domains]: { [C in PageChannelName as C extends `${D}:${infer V}` ? Camel<V> : never]: Fn<C> };
} & {
  on: { [E in EventName as EventVerb<E>]: (listener: (payload: EventPayload<E>) => void) => () => void };
};
