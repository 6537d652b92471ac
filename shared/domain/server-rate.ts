/** The progress line about what Plexe was seen (or told) to accept for an account's key. */
export function serverRateText(perSecond: number): string {
  const shown = perSecond >= 10 ? perSecond.toFixed(0) : perSecond >= 1 ? perSecond.toFixed(1) : perSecond.toFixed(2);
  return `Plexe accepts about ${shown} requests/s for this key`;
}
