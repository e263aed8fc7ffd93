import type { CurrencyCode } from "./currency.js";
import type { Platform } from "./platform.js";

/** A tenant: every account, key, proposal and alert belongs to exactly one workspace. */
export interface Workspace {
  id: string;
  name: string;
  createdAt: Date;
}

export interface AdAccount {
  id: string;
  workspaceId: string;
  platform: Platform;
  /** The platform's own id, e.g. Google's customer id "123-456-7890" or Meta's "act_123". */
  externalId: string;
  name: string;
  currency: CurrencyCode;
  /** IANA time zone the platform reports dates in. */
  timeZone: string;
  status: EntityStatus;
}

export type EntityStatus = "active" | "paused" | "removed";
export type EntityLevel = "campaign" | "ad_group" | "ad";

export interface Campaign {
  accountId: string;
  externalId: string;
  name: string | null;
  channel: string;
  status: EntityStatus;
  dailyBudgetMinor: number | null;
}

export interface AdGroup {
  accountId: string;
  campaignExternalId: string;
  externalId: string;
  name: string | null;
  status: EntityStatus;
  dailyBudgetMinor: number | null;
}

export interface Ad {
  accountId: string;
  adGroupExternalId: string;
  externalId: string;
  name: string | null;
  creativeId: string | null;
  status: EntityStatus;
}

/** A creative's attributes ("DNA") that explain why it works: hook, visual style, emotion, call to action. */
export interface Creative {
  accountId: string;
  externalId: string;
  hookType: string | null;
  visualStyle: string | null;
  emotion: string | null;
  cta: string | null;
}
