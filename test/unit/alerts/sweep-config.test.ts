import { loadConfig } from '../../../core/config';

describe('the alert sweep is on by default', () => {
  it('sweeps every 30 s when ALERT_SWEEP_SECONDS is unset, never when it is 0, and refuses what is not a number of seconds', () => {
    expect(loadConfig({}).alertSweepSeconds).toBe(30);
    expect(loadConfig({ CANDOR_ROLE: 'api' }).alertSweepSeconds).toBe(30);
    expect(loadConfig({ ALERT_SWEEP_SECONDS: '0' }).alertSweepSeconds).toBe(0);
    expect(loadConfig({ ALERT_SWEEP_SECONDS: '5' }).alertSweepSeconds).toBe(5);
    expect(() => loadConfig({ ALERT_SWEEP_SECONDS: 'soon' })).toThrow(/ALERT_SWEEP_SECONDS/);
    expect(() => loadConfig({ ALERT_SWEEP_SECONDS: '-1' })).toThrow(/ALERT_SWEEP_SECONDS/);
  });
});
