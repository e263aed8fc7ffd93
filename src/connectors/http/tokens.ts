import { ConnectorFailure } from "../port.js";

export interface TokenState {
  accessToken: string;
  /** null: the token does not expire (or we were not told when). */
  expiresAt: Date | null;
  refreshToken?: string;
}

export type TokenRefresher = (current: TokenState) => Promise<TokenState>;

export interface TokenSourceOptions {
  now?: () => number;
  /** Refresh this long before expiry (default 5 min). */
  skewMs?: number;
  /** Called with the new tokens after a refresh, so rotated refresh tokens can be stored again. */
  onRefresh?: (state: TokenState) => void | Promise<void>;
}

/**
 * An access token that refreshes itself: shortly before it expires, and when the platform says it
 * expired. Concurrent callers share one refresh.
 */
export class TokenSource {
  private state: TokenState;
  private inflight: Promise<void> | null = null;
  private readonly now: () => number;

  constructor(
    initial: TokenState,
    private readonly refresher: TokenRefresher | null,
    private readonly options: TokenSourceOptions = {},
  ) {
    this.state = { ...initial };
    this.now = options.now ?? Date.now;
  }

  get expiresAt(): Date | null {
    return this.state.expiresAt;
  }

  get canRefresh(): boolean {
    return this.refresher !== null;
  }

  async token(): Promise<string> {
    const expiresAt = this.state.expiresAt?.getTime();
    if (
      this.refresher &&
      expiresAt !== undefined &&
      expiresAt - (this.options.skewMs ?? 300_000) <= this.now()
    ) {
      await this.refresh();
    }
    return this.state.accessToken;
  }

  async refresh(): Promise<boolean> {
    const refresher = this.refresher;
    if (!refresher) return false;
    this.inflight ??= (async () => {
      try {
        const next = await refresher(this.state);
        this.state = { ...next, refreshToken: next.refreshToken ?? this.state.refreshToken };
        await this.options.onRefresh?.(this.state);
      } finally {
        this.inflight = null;
      }
    })();
    await this.inflight;
    return true;
  }
}

/** Thrown when a refresh itself fails: the user must authorise again. */
export function reauthorise(platform: string, detail: string): ConnectorFailure {
  return new ConnectorFailure(
    "auth",
    `${platform}: the access token could not be refreshed (${detail}); run \`adpilot connect ${platform}\` again with fresh credentials`,
  );
}
