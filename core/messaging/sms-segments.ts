/**
 * SMS length in segments. GSM-7 messages fit 160 characters in one segment and 153 per segment when
 * concatenated (the extension table's characters count twice); anything outside GSM-7 makes the whole
 * message UCS-2: 70 UTF-16 code units in one, 67 per segment when concatenated.
 */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';
const basic = new Set(GSM_BASIC);
const extended = new Set(GSM_EXTENDED);

/** How an SMS body is encoded and how many segments it costs. */
export interface SmsLength {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

/**
 * Segments warn above this many (when a journey is validated, and in the worker's log when one is sent): long
 * SMS cost more and arrive split on older phones. Two segments hold 306 GSM-7 characters, or 134 UCS-2 units.
 */
export const SMS_SEGMENT_WARNING = 2;

/** Counts the segments an SMS body needs. */
export function smsLength(body: string): SmsLength {
  let septets = 0;
  for (const char of body) {
    if (basic.has(char)) septets += 1;
    else if (extended.has(char)) septets += 2;
    else {
      const units = body.length;
      return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
    }
  }
  return { encoding: 'GSM-7', units: septets, segments: septets === 0 ? 0 : septets <= 160 ? 1 : Math.ceil(septets / 153) };
}
