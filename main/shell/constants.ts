/** The renderer is served from this privileged custom scheme, never from file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'plexe';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
