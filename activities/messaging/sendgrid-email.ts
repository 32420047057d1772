import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import { classifyHttp, ProviderError } from '../../core/messaging/failures';
import type { Accepted, OutboundMessage, Provider } from './provider';

/** SendGrid credentials and where its API lives (a local fake in tests). */
export interface SendGridSettings {
  apiKey: string;
  from: string;
  /** Replaces https://api.sendgrid.com when set. */
  baseUrl?: string | undefined;
  timeoutMs?: number;
}

/** Maps whatever the SDK threw to a classified ProviderError. */
export function classifySendGridError(error: unknown): ProviderError {
  const e = error as { code?: number; message?: string; response?: { body?: { errors?: { message?: string; field?: string | null }[] } } };
  const errors = e.response?.body?.errors ?? [];
  const detail = errors.map((x) => x.message).filter(Boolean).join('; ');
  const message = `SendGrid: ${detail || e.message || String(error)}`;
  if (typeof e.code === 'number' && e.code >= 100 && e.code < 600) {
    if (e.code === 400 && errors.some((x) => /personalizations\.\d+\.to/.test(x.field ?? '') || /email address/i.test(x.message ?? ''))) {
      return new ProviderError('InvalidRecipient', message, e.code);
    }
    return classifyHttp(e.code, message);
  }
  return new ProviderError('ProviderTimeout', message);
}

/** E-mail through SendGrid's v3 Mail Send API with the official SDK. */
export function createSendGridEmailProvider(settings: SendGridSettings): Provider {
  const client = new Client();
  client.setApiKey(settings.apiKey);
  if (settings.baseUrl) client.setDefaultRequest('baseUrl', settings.baseUrl);
  // axios takes `timeout` from the default request; the SDK's types leave it out.
  client.setDefaultRequest({ timeout: settings.timeoutMs ?? 10_000 } as never);
  const mail = new MailService();
  mail.setClient(client);
  return {
    name: 'sendgrid',
    emailFrom: settings.from,
    async send(message: OutboundMessage): Promise<Accepted> {
      try {
        const [response] = await mail.send({
          to: message.to,
          from: message.from ?? settings.from,
          ...(message.replyTo ? { replyTo: message.replyTo } : {}),
          subject: message.subject ?? '',
          text: message.text,
          ...(message.html ? { html: message.html } : {}),
          ...(message.headers ? { headers: message.headers } : {}),
          // Carried back on every event webhook, so a status finds its ledger row without guessing.
          customArgs: { candor_message_id: message.messageId, candor_channel: 'email', candor_tenant: message.tenant },
        });
        const header = (response.headers as Record<string, string | string[] | undefined>)['x-message-id'];
        const id = Array.isArray(header) ? header[0] : header;
        return { providerMessageId: id ?? `sendgrid:${message.messageId}`, delivered: false };
      } catch (error) {
        throw classifySendGridError(error);
      }
    },
  };
}
