/// <reference types="svelte" />
import type { FullPlexeApi } from '../../shared/ipc/window-api';

declare global {
  interface Window {
    plexe: FullPlexeApi;
  }
}
export {};
