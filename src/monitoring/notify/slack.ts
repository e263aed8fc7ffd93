import {
  type AlertNotification,
  absoluteLinks,
  EVENT_VERB,
  evidenceLines,
  type Notifier,
  postJson,
} from "./types.js";

const ICON = {
  critical: ":red_circle:",
  warning: ":large_orange_circle:",
  info: ":information_source:",
} as const;

/** Slack incoming webhook: the title, the why (evidence) and what to do, as Block Kit sections. */
export function slackNotifier(options: { webhookUrl: string; name?: string }): Notifier {
  const name = options.name ?? "slack";
  return {
    name,
    async send(n) {
      await postJson(name, options.webhookUrl, JSON.stringify(slackMessage(n)));
    },
  };
}

export function slackMessage(n: AlertNotification): { text: string; blocks: unknown[] } {
  const a = n.alert;
  const icon = n.event === "resolved" ? ":white_check_mark:" : ICON[a.severity];
  const text = `${icon} ${EVENT_VERB[n.event]} [${a.severity}] ${a.title}`;
  const links = absoluteLinks(n)
    .map((l) => `<${l.href}|${l.label}>`)
    .join(" · ");
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${text}*` } },
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `*Why:*\n${evidenceLines(a.evidence)
            .map((l) => `• ${l}`)
            .join("\n")}`,
        },
      },
      { type: "section", text: { type: "mrkdwn", text: `*What to do:* ${a.suggestedAction}` } },
      {
        type: "context",
        elements: [
          { type: "mrkdwn", text: `alert #${a.id} · ${a.check} · ${a.cause}${links ? ` · ${links}` : ""}` },
        ],
      },
    ],
  };
}
