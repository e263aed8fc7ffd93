import nodemailer from "nodemailer";
import {
  type AlertNotification,
  absoluteLinks,
  DeliveryError,
  EVENT_VERB,
  evidenceLines,
  type Notifier,
} from "./types.js";

export interface EmailOptions {
  /** smtp://user:pass@host:port or smtps://... */
  smtpUrl: string;
  from: string;
  to: string[];
  name?: string;
  /** Refuse plain-text SMTP servers that do not offer STARTTLS? Default false (local relays). */
  requireTls?: boolean;
}

/** Email over SMTP with nodemailer: subject = the alert title, body = why and what to do. */
export function emailNotifier(options: EmailOptions): Notifier {
  const name = options.name ?? "email";
  const transport = nodemailer.createTransport(options.smtpUrl, {
    requireTLS: options.requireTls ?? false,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 10_000,
  });
  return {
    name,
    async send(n) {
      const { subject, text } = emailContent(n);
      try {
        await transport.sendMail({ from: options.from, to: options.to, subject, text });
      } catch (error) {
        throw new DeliveryError(name, (error as Error).message);
      }
    },
  };
}

export function emailContent(n: AlertNotification): { subject: string; text: string } {
  const a = n.alert;
  const subject = `[AdPilot ${a.severity}] ${EVENT_VERB[n.event]}: ${a.title}`;
  const text = [
    a.title,
    "",
    "Why:",
    ...evidenceLines(a.evidence).map((l) => `  ${l}`),
    "",
    `What to do: ${a.suggestedAction}`,
    "",
    ...absoluteLinks(n).map((l) => `${l.label}: ${l.href}`),
    `Alert #${a.id} (${a.check} / ${a.cause}), first seen ${a.firstSeenAt.toISOString()}.`,
    "Acknowledge: adpilot alerts ack " + a.id,
  ].join("\n");
  return { subject, text };
}
