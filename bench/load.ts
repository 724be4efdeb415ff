/**
 * A small closed-loop HTTP load client for the benchmarks (in the manner of autocannon, which is
 * not a dependency): `connections` clients on keep-alive sockets, each sending its next request as
 * soon as the previous answer is read, for a fixed time. Loopback only.
 */
import http from 'node:http';

/** `bytes`: the body bytes read, as sent (compressed when the server compressed them). */
export type LoadResult = { requests: number; perSecond: number; p50Ms: number; p99Ms: number; statuses: Record<number, number>; errors: number; bytes: number };

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function getOnce(agent: http.Agent, url: URL, headers: Record<string, string>, read: (bytes: number) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, headers }, (response) => {
      response.on('data', (chunk: Buffer) => read(chunk.byteLength));
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.setTimeout(30_000, () => request.destroy(new Error('timeout')));
  });
}

/** Runs `connections` clients against one URL for `durationMs` and reports rate and latency. */
export async function loadUrl(url: string, options: { connections: number; durationMs: number; headers?: Record<string, string> }): Promise<LoadResult> {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let errors = 0;
  let bytes = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const client = async () => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      try {
        const status = await getOnce(agent, target, options.headers ?? {}, (n) => (bytes += n));
        statuses[status] = (statuses[status] ?? 0) + 1;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, client));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, perSecond: latencies.length / elapsed, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), statuses, errors, bytes };
}
