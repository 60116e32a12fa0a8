/** The processing-time service of a task: wall-clock time, and timers that fire as mail in the task's mailbox. */
import type { Mailbox } from './mailbox.js';
import type { CancelTimer, ProcessingTimeService } from './processing-time-service.js';
import type { TaskMail } from './task-deployment.js';

/** Timers on `setTimeout` whose callbacks run in the task's mailbox loop. */
export class MailboxProcessingTimeService implements ProcessingTimeService {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  /** Creates the service of the task owning `mailbox`. */
  constructor(private readonly mailbox: Mailbox<TaskMail>) {}

  getCurrentProcessingTime(): number {
    return Date.now();
  }

  registerTimer(time: number, callback: (time: number) => void | Promise<void>): CancelTimer {
    if (this.stopped) return () => undefined;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.mailbox.put({ kind: 'timer', time, callback });
      },
      Math.max(0, time - Date.now()),
    );
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /** Cancels every pending timer; later registrations are ignored. */
  shutdown(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
