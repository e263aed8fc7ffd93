import { useEffect, useState } from "react";

export const PAGES = [
  { id: "overview", label: "Overview" },
  { id: "allocations", label: "Allocations & decisions" },
  { id: "approvals", label: "Approvals" },
  { id: "mmm", label: "MMM" },
  { id: "overrides", label: "Overrides" },
  { id: "lab", label: "Lab" },
  { id: "alerts", label: "Alerts" },
  { id: "settings", label: "Settings" },
] as const;
export type PageId = (typeof PAGES)[number]["id"];

export function pageFromHash(hash: string): PageId {
  const id = hash.replace(/^#\/?/, "").split(/[/?]/)[0];
  return (PAGES.find((p) => p.id === id)?.id ?? "overview") as PageId;
}

/** Hash routing (#/approvals): the server only has to serve index.html at `/`. */
export function usePage(): PageId {
  const [page, setPage] = useState<PageId>(() => pageFromHash(window.location.hash));
  useEffect(() => {
    const on = () => setPage(pageFromHash(window.location.hash));
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return page;
}
