import type { Store } from "../../../store/index.js";

export interface ArmEntity {
  armId: string;
  level: "campaign" | "ad_group";
  name: string | null;
  channel: string;
  status: string;
  currentBudgetMinor: number | null;
}

/** The account's arms as the service sees them (campaigns, or ad groups when its arm level says so). */
export async function armEntities(store: Store, accountId: string): Promise<Map<string, ArmEntity>> {
  const [service] = await store.query<{ level: "campaign" | "ad_group" }>(
    "SELECT arm_level AS level FROM service_accounts WHERE account_id = $1",
    [accountId],
  );
  const level = service?.level ?? "campaign";
  const sql =
    level === "campaign"
      ? `SELECT external_id AS "armId", name, channel, status, daily_budget_minor AS "currentBudgetMinor"
           FROM campaigns WHERE account_id = $1`
      : `SELECT g.external_id AS "armId", g.name, c.channel, g.status, g.daily_budget_minor AS "currentBudgetMinor"
           FROM ad_groups g JOIN campaigns c ON c.account_id = g.account_id AND c.external_id = g.campaign_external_id
          WHERE g.account_id = $1`;
  const rows = await store.query<Omit<ArmEntity, "level">>(sql, [accountId]);
  return new Map(rows.map((r) => [r.armId, { ...r, level }]));
}
