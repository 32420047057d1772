/** WCAG 2 relative luminance of a `#rrggbb` colour. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** The WCAG 2 contrast ratio of two `#rrggbb` colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Links and text in an accent colour need this contrast on the e-mail's white (WCAG AA for normal text). */
export const MIN_ACCENT_CONTRAST = 4.5;

/** Whether `hex` is a `#rrggbb` colour readable as link text on white. */
export const readableOnWhite = (hex: string): boolean => /^#[0-9a-f]{6}$/i.test(hex) && contrastRatio(hex.toLowerCase(), '#ffffff') >= MIN_ACCENT_CONTRAST;
