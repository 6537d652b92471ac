/// <reference types="svelte" />
import type { FullPlexeApi } from '../../main/preload/build-api';

declare global {
  interface Window {
    plexe: FullPlexeApi;
  }
}
export {};
