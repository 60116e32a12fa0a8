import { describe, expect, it } from 'vitest';
import { ContinuousEventTimeTrigger } from './continuous-event-time-trigger.js';
import { CountEvictor } from './count-evictor.js';
import { CountTrigger } from './count-trigger.js';
import { EventTimeTrigger } from './event-time-trigger.js';
import type { GlobalWindow } from './global-window.js';
import { GlobalWindows, NeverTrigger } from './global-windows.js';
import { PurgingTrigger } from './purging-trigger.js';
import { EventTimeSessionWindows } from './session-windows.js';
import type { TimeWindow } from './time-window.js';
import { TriggerResult } from './trigger-result.js';
import { Trigger } from './trigger.js';
import { TumblingEventTimeWindows } from './tumbling-windows.js';
import { checkAllowedLateness, checkWindowConfiguration } from './window-configuration.js';

class NonMergingTrigger extends Trigger {
  onElement(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(): void {}
}

describe('window configuration checks', () => {
  it('rejects a non-merging trigger or an evictor with session windows', () => {
    const sessions = EventTimeSessionWindows.withGap(1000);
    expect(() => checkWindowConfiguration(sessions, new NonMergingTrigger())).toThrow(/does not support merging/);
    expect(() => checkWindowConfiguration(sessions, EventTimeTrigger.create(), CountEvictor.of(2))).toThrow(/with an evictor/);
    expect(() => checkWindowConfiguration(sessions, PurgingTrigger.of(CountTrigger.of(2)))).not.toThrow();
    expect(() => checkWindowConfiguration(TumblingEventTimeWindows.of(5), new NonMergingTrigger(), CountEvictor.of(2))).not.toThrow();
    expect(() => checkWindowConfiguration(GlobalWindows.create(), new NeverTrigger(), CountEvictor.of(2))).not.toThrow();
  });

  it('rejects negative allowed lateness', () => {
    expect(() => checkAllowedLateness(-1)).toThrow(/cannot be negative/);
    expect(() => checkAllowedLateness(Number.NaN)).toThrow(TypeError);
    expect(() => checkAllowedLateness(0)).not.toThrow();
  });

  it('built-in triggers fit windowed streams of any element type (type check)', () => {
    const forTime: Trigger<{ a: number }, TimeWindow>[] = [
      EventTimeTrigger.create(),
      CountTrigger.of(3),
      PurgingTrigger.of(CountTrigger.of(3)),
      ContinuousEventTimeTrigger.of(10),
    ];
    const forGlobal: Trigger<string, GlobalWindow>[] = [new NeverTrigger(), PurgingTrigger.of(CountTrigger.of(3))];
    expect(forTime.length + forGlobal.length).toBe(6);
  });
});
