import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acknowledgeAlert } from "../../src/monitoring/alerts/actions.js";
import { applyOutcomes } from "../../src/monitoring/alerts/reconcile.js";
import type { Alert } from "../../src/monitoring/alerts/types.js";
import type { CheckOutcome } from "../../src/monitoring/checks/types.js";
import { notifiersFromEnv, routesFrom } from "../../src/monitoring/notify/config.js";
import { emailNotifier } from "../../src/monitoring/notify/email.js";
import { deliverPending, dispatchAlertEvents, undeliveredCount } from "../../src/monitoring/notify/outbox.js";
import { pagerDutyNotifier } from "../../src/monitoring/notify/pagerduty.js";
import { routeFor } from "../../src/monitoring/notify/routing.js";
import { slackNotifier } from "../../src/monitoring/notify/slack.js";
import {
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
  webhookNotifier,
} from "../../src/monitoring/notify/webhook.js";
import { createEventBus } from "../../src/service/event-bus.js";
import { openTestStore, type TestStore } from "../support/stores.js";
import { startReceiver } from "./support/http-receiver.js";
import { seedAccount } from "./support/seed.js";
import { decodeMail, startSmtpServer } from "./support/smtp-server.js";

const NOW = new Date("2025-08-20T02:10:00Z");
const alert: Alert = {
  id: 7,
  workspaceId: "default",
  accountId: "acc_1",
  dedupKey: "acc_1|api_health:errors",
  check: "api_health",
  cause: "api_health:errors",
  severity: "critical",
  status: "open",
  title: "Sandbox API failing for account Shop since 02:10 — spend is 48% under plan",
  headline: "Sandbox API failing for account Shop",
  impact: "spend is 48% under plan",
  evidence: { failed: 5, calls: 6 },
  suggestedAction: "Check the status page.",
  links: [{ label: "account acc_1", href: "/accounts/acc_1" }],
  firstSeenAt: NOW,
  lastSeenAt: NOW,
  occurrences: 1,
  acknowledgedAt: null,
  acknowledgedBy: null,
  silencedUntil: null,
  silencedBy: null,
  escalationLevel: 0,
  escalatedAt: null,
  resolvedAt: null,
  resolvedBy: null,
};

describe("notifiers against local receivers", () => {
  it("Slack: the title, the why and what to do", async () => {
    const r = await startReceiver(200);
    try {
      await slackNotifier({ webhookUrl: r.url }).send({
        event: "opened",
        alert,
        at: NOW,
        baseUrl: "https://adpilot.example",
      });
      const body = JSON.parse(r.requests[0]!.body);
      expect(body.text).toContain(alert.title);
      expect(JSON.stringify(body.blocks)).toContain("*Why:*");
      expect(JSON.stringify(body.blocks)).toContain("https://adpilot.example/accounts/acc_1");
    } finally {
      await r.close();
    }
  });

  it("PagerDuty Events v2: trigger, acknowledge, resolve with one dedup key", async () => {
    const r = await startReceiver(202);
    try {
      const pd = pagerDutyNotifier({ routingKey: "R0UT1NGKEY", url: r.url });
      for (const event of ["opened", "acknowledged", "resolved"] as const)
        await pd.send({ event, alert, at: NOW });
      const bodies = r.requests.map((q) => JSON.parse(q.body));
      expect(bodies.map((b) => b.event_action)).toEqual(["trigger", "acknowledge", "resolve"]);
      expect(new Set(bodies.map((b) => b.dedup_key)).size).toBe(1);
      expect(bodies[0].routing_key).toBe("R0UT1NGKEY");
      expect(bodies[0].payload).toMatchObject({
        summary: alert.title,
        severity: "critical",
        source: "adpilot/acc_1",
      });
    } finally {
      await r.close();
    }
  });

  it("webhook: HMAC-SHA256 signature the receiver can verify", async () => {
    const r = await startReceiver(200);
    try {
      await webhookNotifier({ url: r.url, secret: "s3cret-s3cret-s3cret", clock: () => NOW }).send({
        event: "opened",
        alert,
        at: NOW,
      });
      const q = r.requests[0]!;
      const headers = {
        signature: q.headers[SIGNATURE_HEADER] as string,
        timestamp: q.headers[TIMESTAMP_HEADER] as string,
      };
      expect(verifyWebhookSignature("s3cret-s3cret-s3cret", headers, q.body, NOW)).toBe(true);
      expect(verifyWebhookSignature("wrong-secret-wrong", headers, q.body, NOW)).toBe(false);
      expect(verifyWebhookSignature("s3cret-s3cret-s3cret", headers, q.body.replace("48%", "49%"), NOW)).toBe(
        false,
      );
      expect(JSON.parse(q.body).alert.title).toBe(alert.title);
    } finally {
      await r.close();
    }
  });

  it("email over SMTP (nodemailer to a local SMTP server)", async () => {
    const smtp = await startSmtpServer();
    try {
      const mailer = emailNotifier({
        smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
        from: "adpilot@example.com",
        to: ["ops@example.com"],
      });
      await mailer.send({ event: "opened", alert, at: NOW });
      expect(smtp.mails).toHaveLength(1);
      expect(smtp.mails[0]!.to).toEqual(["ops@example.com"]);
      const mail = decodeMail(smtp.mails[0]!.data);
      expect(mail.subject).toBe(`[AdPilot critical] New alert: ${alert.title}`);
      expect(mail.body).toContain("What to do: Check the status page.");
      expect(mail.body).toContain("adpilot alerts ack 7");
    } finally {
      await smtp.close();
    }
    // The server gone: a clear delivery error.
    const mailer = emailNotifier({
      smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
      from: "a@example.com",
      to: ["b@example.com"],
    });
    await expect(mailer.send({ event: "opened", alert, at: NOW })).rejects.toThrow(/^email: /);
  });
});

describe("routing and configuration", () => {
  it("routes by severity, account and escalation level", () => {
    const rules = routesFrom(
      JSON.stringify([
        { notifier: "slack", minSeverity: "warning" },
        { notifier: "pagerduty", minSeverity: "critical", accounts: ["acc_1"] },
        { notifier: "email", minSeverity: "warning", minEscalationLevel: 1 },
      ]),
      ["slack", "pagerduty", "email"],
    );
    expect(routeFor(alert, "opened", {}, rules)).toEqual(["slack", "pagerduty"]);
    expect(routeFor({ ...alert, accountId: "acc_2" }, "opened", {}, rules)).toEqual(["slack"]);
    expect(routeFor({ ...alert, severity: "info" }, "opened", {}, rules)).toEqual([]);
    expect(routeFor({ ...alert, escalationLevel: 1 }, "escalated", {}, rules)).toEqual([
      "slack",
      "pagerduty",
      "email",
    ]);
    expect(routeFor(alert, "updated", { severityRaised: false }, rules)).toEqual([]);
  });

  it("reads notifiers from the environment and refuses bad settings clearly", () => {
    const { notifiers, routes } = notifiersFromEnv({
      ADPILOT_SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/x",
      ADPILOT_PAGERDUTY_ROUTING_KEY: "k",
    });
    expect(notifiers.map((n) => n.name)).toEqual(["slack", "pagerduty"]);
    expect(routes).toEqual([
      { notifier: "slack", minSeverity: "warning", minEscalationLevel: 0 },
      { notifier: "pagerduty", minSeverity: "critical", minEscalationLevel: 0 },
    ]);
    expect(() => notifiersFromEnv({ ADPILOT_SMTP_URL: "smtp://x" })).toThrow(/ADPILOT_ALERT_EMAIL_FROM/);
    expect(() =>
      notifiersFromEnv({ ADPILOT_ALERT_WEBHOOK_URL: "http://x", ADPILOT_ALERT_WEBHOOK_SECRET: "short" }),
    ).toThrow(/16 characters/);
    expect(() => routesFrom('[{"notifier":"teams"}]', ["slack"])).toThrow(/"teams", which is not configured/);
  });
});

describe("outbox: a receiver that is down loses nothing", () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore("pglite");
    await seedAccount(store);
  });
  afterAll(() => store.close());

  it("retries with backoff, keeps the alert undelivered, delivers later in order", async () => {
    const r = await startReceiver(503);
    const bus = createEventBus();
    const outcome: CheckOutcome = {
      check: "loop",
      accountId: "acc_1",
      status: "fail",
      summary: "",
      metrics: {},
      findings: [
        {
          check: "loop",
          cause: "loop:failures",
          accountId: "acc_1",
          severity: "critical",
          headline: "Optimization loop for account Shop failed 3 times in a row",
          evidence: {},
          suggestedAction: "Read the last error.",
          links: [],
        },
      ],
    };
    const notifiers = [pagerDutyNotifier({ routingKey: "k", url: r.url })];
    const rules = routesFrom(undefined, ["pagerduty"]);
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
    };
    try {
      const { opened } = await applyOutcomes(store, bus, {
        workspaceId: "default",
        outcomes: [outcome],
        now: NOW,
      });
      await acknowledgeAlert({ store, bus, workspaceId: "default", actor: "bob", now: NOW }, opened[0]!.id);
      expect(await dispatchAlertEvents(store, rules, NOW)).toBe(2);
      expect(await dispatchAlertEvents(store, rules, NOW)).toBe(0);

      const down = await deliverPending(store, { notifiers, now: NOW, sleep });
      expect(down).toMatchObject({ delivered: 0, pending: 2 });
      expect(down.errors[0]).toMatch(/HTTP 503/);
      expect(sleeps).toEqual([500, 1000]); // three tries of the trigger; the acknowledge waits behind it
      expect(await undeliveredCount(store)).toBe(2);

      r.setStatus(202);
      // Not due yet: backoff before the next run tries again.
      expect(
        (await deliverPending(store, { notifiers, now: new Date(NOW.getTime() + 1000), sleep })).delivered,
      ).toBe(0);
      const later = await deliverPending(store, { notifiers, now: new Date(NOW.getTime() + 60_000), sleep });
      expect(later).toMatchObject({ delivered: 2, pending: 0 });
      expect(r.requests.map((q) => JSON.parse(q.body).event_action)).toEqual(["trigger", "acknowledge"]);
      expect(await undeliveredCount(store)).toBe(0);
    } finally {
      await r.close();
    }
  });
});
