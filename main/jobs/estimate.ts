import type { JobEstimate } from '../../shared/ipc/jobs';

/**
 * How long `rows` take at the account's rate, one request per row and in batches. A request never
 * starts faster than the rate allows, nor faster than `concurrency` connections can carry at the
 * typical round trip, so the slower of the two decides.
 */
export function estimateRun(rows: number, batchSize: number, rpm: number, concurrency: number, roundTripMs = 200): JobEstimate {
  const size = Math.max(1, Math.floor(batchSize));
  const requestsSingle = rows;
  const requestsBatched = Math.ceil(rows / size);
  const seconds = (requests: number) => {
    if (requests === 0) return 0;
    const byRate = (requests / Math.max(1, rpm)) * 60;
    const byConnections = (requests * roundTripMs) / 1000 / Math.max(1, concurrency);
    return Math.ceil(Math.max(byRate, byConnections));
  };
  return { rows, batchSize: size, requestsSingle, requestsBatched, rpm, concurrency, secondsSingle: seconds(requestsSingle), secondsBatched: seconds(requestsBatched) };
}
