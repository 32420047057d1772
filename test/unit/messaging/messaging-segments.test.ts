import { smsLength } from '../../../activities/messaging';

describe('SMS segments', () => {
  it('counts GSM-7 and its extension table', () => {
    expect(smsLength('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsLength('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(smsLength('Hej Åsa, välkommen! €')).toMatchObject({ encoding: 'GSM-7', units: 22, segments: 1 });
    expect(smsLength('{'.repeat(80))).toMatchObject({ units: 160, segments: 1 });
    expect(smsLength('a'.repeat(306)).segments).toBe(2);
    expect(smsLength('a'.repeat(307)).segments).toBe(3);
  });

  it('switches the whole message to UCS-2 for one character outside GSM-7', () => {
    expect(smsLength(`${'a'.repeat(69)}ł`)).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsLength(`${'a'.repeat(70)}ł`)).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
    expect(smsLength('🙂'.repeat(36))).toMatchObject({ encoding: 'UCS-2', units: 72, segments: 2 });
  });
});
