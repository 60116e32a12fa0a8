import { describe, expect, it } from 'vitest';
import { MAX_WATERMARK } from '../runtime/frame.js';
import { GlobalWindow } from './global-window.js';
import { TimeWindow } from './time-window.js';
import { cleanupTime, isCleanupTime, isElementLate, isWindowLate } from './window-lateness.js';

const eventTime = { isEventTime: () => true };
const processingTime = { isEventTime: () => false };
const w = new TimeWindow(0, 2000); // maxTimestamp 1999

describe('window lateness', () => {
  it('cleanup time is maxTimestamp + allowedLateness in event time, maxTimestamp in processing time', () => {
    expect(cleanupTime(w, 0, true)).toBe(1999);
    expect(cleanupTime(w, 500, true)).toBe(2499);
    expect(cleanupTime(w, 500, false)).toBe(1999);
    expect(isCleanupTime(w, 2499, 500, true)).toBe(true);
    expect(isCleanupTime(w, 1999, 500, true)).toBe(false);
  });

  it('does not overflow: the global window is cleaned up at the maximum watermark at the earliest', () => {
    expect(cleanupTime(GlobalWindow.get(), 0, true)).toBe(MAX_WATERMARK);
    expect(cleanupTime(GlobalWindow.get(), 10_000, true)).toBe(MAX_WATERMARK);
    expect(cleanupTime(new TimeWindow(MAX_WATERMARK - 10, MAX_WATERMARK - 5), 100, true)).toBe(MAX_WATERMARK);
    expect(isWindowLate(GlobalWindow.get(), 1000, MAX_WATERMARK - 1, eventTime)).toBe(false);
  });

  it('a window is late when its cleanup time is <= the watermark, in event time only', () => {
    expect(isWindowLate(w, 0, 1998, eventTime)).toBe(false);
    expect(isWindowLate(w, 0, 1999, eventTime)).toBe(true);
    expect(isWindowLate(w, 500, 2300, eventTime)).toBe(false); // worked case 5: the element at 1997 fires late
    expect(isWindowLate(w, 500, 6000, eventTime)).toBe(true); // worked case 5: 1998 goes to the side output
    expect(isWindowLate(w, 0, 1_000_000, processingTime)).toBe(false);
  });

  it('an element is late when timestamp + allowedLateness <= watermark', () => {
    expect(isElementLate(1998, 0, 1999, eventTime)).toBe(true); // worked case 4
    expect(isElementLate(1980, 0, 1985, eventTime)).toBe(true);
    expect(isElementLate(1998, 500, 1999, eventTime)).toBe(false);
    expect(isElementLate(1, 0, 1999, processingTime)).toBe(false);
    expect(isElementLate(undefined, 0, 1999, eventTime)).toBe(false);
  });
});
