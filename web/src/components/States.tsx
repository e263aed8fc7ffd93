import type { ReactNode } from "react";
import type { ApiError } from "../api/client.js";

export function Loading({ what }: { what: string }) {
  return (
    <p className="state" aria-busy="true">
      Loading {what}…
    </p>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty">
      <strong>{title}</strong>
      {children && <p>{children}</p>}
    </div>
  );
}

/** What went wrong and what to do about it, from the API's error code. */
export function ErrorState({ error, what, retry }: { error: ApiError; what: string; retry?: () => void }) {
  const advice =
    error.code === "route_not_found"
      ? "This server does not offer this yet; update AdPilot or start it with the feature enabled."
      : error.status === 401
        ? "Your key is no longer accepted (revoked?). Sign out and enter a valid key."
        : error.status === 403
          ? "Your key's role may not see this; ask an admin for a key with a higher role."
          : error.status === 0
            ? "Check that the AdPilot server is running, then retry."
            : error.status === 429
              ? "Too many requests; wait a minute, then retry."
              : "Retry; if it keeps failing, check the server log.";
  return (
    <div className="state error" role="alert">
      <strong>Could not load {what}.</strong>
      <p>{error.message}</p>
      <p>{advice}</p>
      {retry && (
        <button type="button" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}

/** Shows loading / error / the content, keeping old content on screen while it reloads. */
export function Loaded<T>({
  data,
  what,
  children,
}: {
  data: { data: T | null; error: ApiError | null; loading: boolean; reload(): void };
  what: string;
  children: (value: T) => ReactNode;
}) {
  if (data.error && data.data === null)
    return <ErrorState error={data.error} what={what} retry={data.reload} />;
  if (data.data === null) return <Loading what={what} />;
  return <>{children(data.data)}</>;
}

export function Section({
  title,
  children,
  actions,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <section className="card">
      <header className="card-head">
        <h2>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}
