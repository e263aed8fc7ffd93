import { useSession } from "../app/context.js";
import type { PageId } from "../app/router.js";
import { Empty } from "../components/States.js";
import { AlertsPage } from "./Alerts.js";
import { AllocationsPage } from "./Allocations.js";
import { ApprovalsPage } from "./Approvals.js";
import { LabPage } from "./Lab.js";
import { MmmPage } from "./Mmm.js";
import { OverridesPage } from "./Overrides.js";
import { OverviewPage } from "./Overview.js";
import { SettingsPage } from "./Settings.js";

const ACCOUNT_PAGES: Record<Exclude<PageId, "approvals" | "alerts" | "lab">, typeof OverviewPage> = {
  overview: OverviewPage,
  allocations: AllocationsPage,
  mmm: MmmPage,
  overrides: OverridesPage,
  settings: SettingsPage,
};

export function Pages({ page }: { page: PageId }) {
  const { account } = useSession();
  if (page === "approvals") return <ApprovalsPage />;
  if (page === "alerts") return <AlertsPage />;
  if (page === "lab") return <LabPage />;
  if (!account) {
    return (
      <Empty title="This workspace has no ad account yet.">
        Connect one with <code>adpilot connect</code>, import a report with <code>adpilot import</code>, or
        run <code>npm start</code> for the demo account.
      </Empty>
    );
  }
  const Page = ACCOUNT_PAGES[page];
  return <Page key={account.id} />;
}
