/** Rolling record of recent calls, for the port's health(): success rate and p95 latency. */
export class CallStats {
  private readonly calls: { ok: boolean; ms: number }[] = [];
  /** 0-1 from the platform's usage headers, when it sends them. */
  rateLimitPressure: number | null = null;

  constructor(private readonly window = 100) {}

  record(ok: boolean, ms: number): void {
    this.calls.push({ ok, ms });
    if (this.calls.length > this.window) this.calls.shift();
  }

  get successRate(): number {
    if (this.calls.length === 0) return 1;
    return this.calls.filter((c) => c.ok).length / this.calls.length;
  }

  get p95LatencyMs(): number {
    if (this.calls.length === 0) return 0;
    const sorted = this.calls.map((c) => c.ms).sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)];
  }
}
