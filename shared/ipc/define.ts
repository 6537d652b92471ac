import type { z } from 'zod';

/** One IPC channel: the schema of what the renderer sends and of what main answers. */
export interface ChannelDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
}

export function channel<I extends z.ZodType, O extends z.ZodType>(input: I, output: O): ChannelDef<I, O> {
  return { input, output };
}

/** Channel names are `domain:verb-noun`; pushes from main are `event:…`. */
export const CHANNEL_NAME = /^[a-z]+:[a-z]+(-[a-z]+)*$/;
export const EVENT_NAME = /^event:[a-z]+(-[a-z]+)*$/;

type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;
export type DomainOf<C extends string> = C extends `${infer D}:${string}` ? D : never;
export type VerbOf<C extends string> = C extends `${string}:${infer V}` ? Camel<V> : never;

/** `accounts:list-accounts` → `listAccounts`, the name the preload exposes it under. */
export function verbName(channelName: string): string {
  const verb = channelName.slice(channelName.indexOf(':') + 1);
  return verb.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

export function domainName(channelName: string): string {
  return channelName.slice(0, channelName.indexOf(':'));
}
