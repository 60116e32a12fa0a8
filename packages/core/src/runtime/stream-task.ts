/**
 * The actor that runs one subtask of a job vertex: a chain of operators, fed either by a source reader or by an
 * input gate, writing to record writers. Everything reaches it as mail or as a signal on its mailbox; one loop
 * processes it all, so operator code never runs concurrently with itself (Flink's `MailboxProcessor`).
 *
 * Lifecycle: setup (operators, channels) -> open (tail first) -> process -> finish (end of input, drain output)
 * -> close. Backpressure: while any outgoing channel waits for credit, the task takes no input (a source stops
 * polling), so a slow consumer slows its producers and memory stays bounded.
 */
import { encodeTaskSnapshot } from '../checkpoint/task-snapshot-codec.js';
import type { OperatorSnapshot } from '../checkpoint/task-state.js';
import { END_OF_INPUT_CHECKPOINT_ID } from '../connector/sink.js';
import { ErrorCodes, WeirError } from '../errors.js';
import type { InputStatus, SourceReader, SourceSplit } from '../connector/source.js';
import type { RuntimeContext } from '../functions/user-functions.js';
import { vertexName, type JobEdge, type JobVertex } from '../graph/job-graph.js';
import { connectedReceivers, connectedSenders } from '../graph/partitioner.js';
import type { StreamNode } from '../graph/stream-graph.js';
import { Watermark } from '../eventtime/watermark.js';
import { ChannelWriter } from './channel-writer.js';
import { shouldYield, yieldToEventLoop } from './event-loop-yield.js';
import { MAX_WATERMARK, type Frame } from './frame.js';
import { InputGate, type GateEvent, type InputChannelInfo } from './input-gate.js';
import { Mailbox } from './mailbox.js';
import { MailboxProcessingTimeService } from './mailbox-processing-time-service.js';
import { SourceOutput } from './source-output.js';
import { ChainedConsumer, OperatorOutput, type RecordConsumer } from './operator-output.js';
import { RecordWriter } from './record-writer.js';
import { isPromise, type MaybePromise, type OperatorContext, type StreamOperator } from './stream-operator.js';
import type { TaskDeployment, TaskHandle, TaskMail, TaskOutcome, TaskServices } from './task-deployment.js';

class TaskCancelled extends Error {}
/** Thrown out of the task's loops when a stop-with-savepoint (without drain) completed: the task ends as FINISHED. */
class TaskTerminated extends Error {}

/** The id that matches an operator's state in checkpoints and savepoints: its uid, or one derived from the job's shape. */
export function operatorIdOf(node: StreamNode): string {
  return node.uid ?? `operator-${node.id}`;
}

function notKeyed(operatorName: string): never {
  throw new TypeError(`Keyed state is only available on a keyed stream (after keyBy); "${operatorName}" is not keyed`);
}

/** One subtask: an actor with a mailbox. */
export class StreamTask implements TaskHandle {
  /** The task's mailbox. */
  readonly mailbox = new Mailbox<TaskMail>();
  /** A name for logs and errors: `vertex name (i/p)`. */
  readonly taskName: string;

  private readonly vertex: JobVertex;
  private readonly subtaskIndex: number;
  private readonly operators = new Map<number, StreamOperator>();
  /** Operator ids (uid or derived) of the chain's operators, by node id. */
  private readonly operatorIds = new Map<number, string>();
  /** Set once the final checkpoint completed (the task may end). */
  private finalCheckpointDone = false;
  private readonly operatorOrder: StreamOperator[] = [];
  private readonly writers: RecordWriter[] = [];
  private readonly channelWriters: ChannelWriter[] = [];
  private gate: InputGate | undefined;
  private reader: SourceReader<unknown, SourceSplit> | undefined;
  private sourceOutput: SourceOutput | undefined;
  private readerAvailable = true;
  private sourceEnded = false;
  private inputsEnded = false;
  private failure: Error | undefined;
  private cancelled = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private recordsIn = 0;
  private finishing = false;
  private inRecord = false;
  /** A source stopped reading behind the barrier of a stop-with-savepoint (no drain). */
  private suspended = false;
  /** The stop-with-savepoint completed: the task ends without finishing its operators. */
  private terminated = false;
  /** A stop-with-savepoint with drain: the final snapshot becomes the savepoint, so it is taken even without periodic checkpoints. */
  private draining = false;
  private readonly processingTime: MailboxProcessingTimeService;
  private cancelRequested!: () => void;
  /** Rejects with TaskCancelled when the task is cancelled. */
  private readonly cancelled$ = new Promise<never>((_, reject) => {
    this.cancelRequested = () => reject(new TaskCancelled());
  });

  /** Creates the task; nothing runs until {@link run}. */
  constructor(
    private readonly deployment: TaskDeployment,
    private readonly services: TaskServices,
  ) {
    this.vertex = deployment.vertex;
    this.subtaskIndex = deployment.subtaskIndex;
    this.taskName = `${vertexName(this.vertex)} (${this.subtaskIndex + 1}/${this.vertex.parallelism})`;
    this.processingTime = new MailboxProcessingTimeService(this.mailbox);
    this.cancelled$.catch(() => undefined);
  }

  /** Puts mail into the task's mailbox. */
  send(mail: TaskMail): void {
    this.mailbox.put(mail);
  }

  /** Asks the task to stop; `run` then resolves with CANCELED. */
  cancel(): void {
    this.mailbox.put({ kind: 'cancel' });
    this.cancelRequested();
  }

  /**
   * Awaits user work, unless the task is cancelled meanwhile: a user promise that never settles must not keep a
   * cancelled task (and the JobManager waiting for it) alive. The abandoned promise may still settle later; its
   * outcome is ignored.
   */
  private unlessCancelled(work: Promise<void>): Promise<void> {
    work.catch(() => undefined);
    return Promise.race([work, this.cancelled$]);
  }

  /** Runs the task to its end. Never rejects: failures resolve as FAILED with the error. */
  async run(): Promise<TaskOutcome> {
    try {
      this.setup();
      await this.open();
      await this.processUntilEnd();
      await this.finishOutput();
      if (this.deployment.checkpointing.finalCheckpoint) await this.finalCheckpoint();
      return { state: 'FINISHED' };
    } catch (e) {
      if (e instanceof TaskCancelled) return { state: 'CANCELED' };
      if (e instanceof TaskTerminated) return { state: 'FINISHED' };
      return { state: 'FAILED', error: e instanceof Error ? e : new Error(String(e)) };
    } finally {
      await this.closeAll();
    }
  }

  private setup(): void {
    const d = this.deployment;
    const nodes = this.vertex.nodes;
    for (const node of nodes) {
      if (node.kind === 'operator') {
        const op = node.operatorFactory!();
        this.operators.set(node.id, op);
        this.operatorIds.set(node.id, operatorIdOf(node));
        this.operatorOrder.push(op);
      }
    }
    const edgesByNode = new Map<number, JobEdge[]>();
    for (const e of this.vertex.outputs) {
      const list = edgesByNode.get(e.streamEdge.sourceId) ?? [];
      list.push(e);
      edgesByNode.set(e.streamEdge.sourceId, list);
    }
    const outputs = new Map<number, OperatorOutput>();
    for (const node of nodes) {
      const main: RecordConsumer[] = [];
      const side = new Map<string, RecordConsumer[]>();
      const add = (tag: string | undefined, consumer: RecordConsumer): void => {
        if (tag === undefined) main.push(consumer);
        else side.set(tag, [...(side.get(tag) ?? []), consumer]);
      };
      for (const edge of node.outEdges) {
        const chained = this.operators.get(edge.targetId);
        if (chained !== undefined && this.vertex.nodes.some((n) => n.id === edge.targetId) && this.vertex.chainedEdges.includes(edge)) {
          add(edge.sideOutputTag, new ChainedConsumer(chained));
        }
      }
      for (const jobEdge of edgesByNode.get(node.id) ?? []) add(jobEdge.streamEdge.sideOutputTag, this.createRecordWriter(jobEdge));
      outputs.set(node.id, new OperatorOutput(main, side));
    }
    for (const node of nodes) {
      const op = this.operators.get(node.id);
      if (op !== undefined) op.setup(this.operatorContext(node), outputs.get(node.id)!);
    }

    const head = this.vertex.head;
    if (head.kind === 'source') {
      this.sourceOutput = new SourceOutput(outputs.get(head.id)!, head.watermarkStrategy, () => this.processingTime.getCurrentProcessingTime());
      const services = this.services;
      this.reader = head.source!.createReader({
        subtaskIndex: this.subtaskIndex,
        parallelism: this.vertex.parallelism,
        sendSplitRequest: () => services.requestSplit(this.vertex.id, this.subtaskIndex),
        metrics: services.metricGroup(head.uid ?? head.name),
      });
    } else {
      const infos: InputChannelInfo[] = [];
      for (const e of this.vertex.inputs) {
        const upstream = d.jobGraph.vertices.find((v) => v.id === e.sourceVertexId)!;
        for (const sender of connectedSenders(e.streamEdge.partitioner, this.subtaskIndex, upstream.parallelism, this.vertex.parallelism)) {
          infos.push({
            address: { jobId: d.jobId, attempt: d.attempt, edgeId: e.streamEdge.id, senderSubtask: sender, receiverSubtask: this.subtaskIndex },
            inputIndex: e.streamEdge.inputIndex,
          });
        }
      }
      this.gate = new InputGate(
        this.services.transport,
        infos,
        () => this.mailbox.signal(),
        (e) => this.fail(e),
        this.services.transport.initialCredits ?? d.settings.initialCredits,
        d.checkpointing.mode,
      );
    }
    if (this.writers.length > 0 && d.settings.bufferTimeoutMs > 0) {
      this.flushTimer = setInterval(() => this.mailbox.put({ kind: 'flush' }), d.settings.bufferTimeoutMs);
    }
  }

  private createRecordWriter(jobEdge: JobEdge): RecordWriter {
    const d = this.deployment;
    const target = d.jobGraph.vertices.find((v) => v.id === jobEdge.targetVertexId)!;
    const targetNode = target.nodes.find((n) => n.id === jobEdge.streamEdge.targetId)!;
    const receivers = connectedReceivers(jobEdge.streamEdge.partitioner, this.subtaskIndex, this.vertex.parallelism, target.parallelism);
    const channels = receivers.map((receiver) => {
      const w = new ChannelWriter(
        this.services.transport,
        { jobId: d.jobId, attempt: d.attempt, edgeId: jobEdge.streamEdge.id, senderSubtask: this.subtaskIndex, receiverSubtask: receiver },
        { onAvailable: () => this.mailbox.signal(), onError: (e) => this.fail(e) },
      );
      this.channelWriters.push(w);
      return w;
    });
    const writer = new RecordWriter(jobEdge.streamEdge.partitioner, channels, {
      frameSize: d.settings.frameSize,
      flushAlways: d.settings.bufferTimeoutMs === 0,
      targetName: targetNode.name,
      senderIndex: this.subtaskIndex,
      receiverParallelism: target.parallelism,
      receiverMaxParallelism: targetNode.maxParallelism,
      recordPosition: () => this.recordPosition(),
    });
    this.writers.push(writer);
    return writer;
  }

  private operatorContext(node: StreamNode): OperatorContext {
    const d = this.deployment;
    const runtimeContext: RuntimeContext = {
      getIndexOfThisSubtask: () => this.subtaskIndex,
      getNumberOfParallelSubtasks: () => node.parallelism,
      getMaxNumberOfParallelSubtasks: () => node.maxParallelism,
      getAttemptNumber: () => d.attempt,
      getTaskName: () => node.name,
      getJobId: () => d.jobId,
      getState: () => notKeyed(node.name),
      getListState: () => notKeyed(node.name),
      getMapState: () => notKeyed(node.name),
      getReducingState: () => notKeyed(node.name),
      getAggregatingState: () => notKeyed(node.name),
    };
    return {
      name: node.name,
      uid: node.uid,
      subtaskIndex: this.subtaskIndex,
      parallelism: node.parallelism,
      maxParallelism: node.maxParallelism,
      attempt: d.attempt,
      jobId: d.jobId,
      mode: d.mode,
      keySelectors: node.keySelectors as OperatorContext['keySelectors'],
      recordPosition: () => this.recordPosition(),
      currentProcessingTime: () => this.processingTime.getCurrentProcessingTime(),
      processingTimeService: this.processingTime,
      autoWatermarkIntervalMs: d.settings.autoWatermarkIntervalMs,
      stateBackend: d.stateBackend,
      operatorId: operatorIdOf(node),
      restored: d.restore?.get(operatorIdOf(node)),
      checkpointing: d.checkpointing.finalCheckpoint,
      checkpointIntervalMs: d.checkpointing.enabled ? d.checkpointing.interval : undefined,
      metrics: this.services.metricGroup(node.uid ?? node.name),
      sendToClient: (sinkId, values) => this.services.sendToClient(sinkId, d.attempt, values),
      runtimeContext,
    };
  }

  private recordPosition(): number | undefined {
    if (this.sourceOutput !== undefined) return this.sourceOutput.count;
    return this.inRecord ? this.recordsIn : undefined;
  }

  private async open(): Promise<void> {
    for (let i = this.operatorOrder.length - 1; i >= 0; i--) {
      const r = this.operatorOrder[i].open();
      if (r) await this.unlessCancelled(r);
    }
    if (this.reader !== undefined) {
      try {
        await this.reader.start();
      } catch (e) {
        throw this.sourceError(e, 'while starting');
      }
      // Splits restored from a checkpoint go back to the reader before it registers (as Flink's SourceOperator).
      const splits = this.deployment.restore?.get(operatorIdOf(this.vertex.head))?.splits ?? [];
      if (splits.length > 0) this.reader.addSplits([...splits]);
      this.services.registerReader(this.vertex.id, this.subtaskIndex);
      this.schedulePeriodicWatermarks();
    }
  }

  private schedulePeriodicWatermarks(): void {
    const output = this.sourceOutput!;
    const interval = this.deployment.settings.autoWatermarkIntervalMs;
    if (!output.generatesWatermarks || interval <= 0) return;
    const tick = (time: number): MaybePromise => {
      if (this.sourceEnded) return undefined;
      output.periodicEmit();
      this.processingTime.registerTimer(time + interval, tick);
      return output.drain();
    };
    this.processingTime.registerTimer(this.processingTime.getCurrentProcessingTime() + interval, tick);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.mailbox.signal();
  }

  /** Handles all waiting mail. Returns a promise only when some mail needs async work. */
  private async drainMail(): Promise<void> {
    let mail: TaskMail | undefined;
    while ((mail = this.mailbox.take()) !== undefined) {
      switch (mail.kind) {
        case 'cancel':
          this.cancelled = true;
          break;
        case 'flush':
          for (const w of this.writers) w.flush();
          break;
        case 'timer': {
          if (this.finishing) break;
          const r = mail.callback(mail.time);
          if (r) await this.unlessCancelled(r);
          break;
        }
        case 'add-splits':
          this.reader?.addSplits(mail.splits);
          this.readerAvailable = true;
          break;
        case 'no-more-splits':
          this.reader?.notifyNoMoreSplits();
          this.readerAvailable = true;
          break;
        case 'trigger-checkpoint':
          // A source task that already ended has reported its final snapshot, which stands for it.
          if (!this.sourceEnded && !this.finishing) {
            await this.unlessCancelled(this.performCheckpoint(mail.checkpointId, mail.timestamp, mail.savepoint));
            // Stop with savepoint: nothing is read behind the savepoint's barrier.
            if (mail.suspend === true) this.suspended = true;
          }
          break;
        case 'resume':
          this.suspended = false;
          break;
        case 'terminate':
          this.terminated = true;
          break;
        case 'drain':
          this.draining = true;
          if (this.reader !== undefined) this.sourceEnded = true;
          break;
        case 'checkpoint-complete':
          await this.unlessCancelled(this.notifyCheckpointComplete(mail.checkpointId));
          break;
      }
    }
    return Promise.resolve();
  }

  private checkInterrupts(): void {
    if (this.cancelled) throw new TaskCancelled();
    if (this.terminated) throw new TaskTerminated();
    if (this.failure !== undefined) throw this.failure;
  }

  private outputsAvailable(): boolean {
    for (const w of this.channelWriters) if (!w.isAvailable()) return false;
    return true;
  }

  private async processUntilEnd(): Promise<void> {
    if (this.gate !== undefined) {
      // An input may have no channel into this subtask (a global or rescale edge): it is ended from the start.
      for (const input of this.gate.inputsWithoutChannels(this.vertex.head.inputCount)) {
        const r = this.operatorOrder[0].endInput(input);
        if (r) await this.unlessCancelled(r);
      }
      if (this.gate.channelCount === 0) this.inputsEnded = true;
    }
    for (;;) {
      if (this.mailbox.hasMail()) await this.drainMail();
      this.checkInterrupts();
      if (this.sourceEnded || this.inputsEnded) return;
      let progressed = false;
      if (this.outputsAvailable()) {
        if (this.reader !== undefined) {
          if (this.readerAvailable && !this.suspended) {
            progressed = true;
            const r = this.pollSource();
            if (r) await this.unlessCancelled(r);
          }
        } else if (this.gate!.hasFrame()) {
          progressed = true;
          const r = this.processNextFrame();
          if (r) await this.unlessCancelled(r);
        }
      }
      if (!progressed) await this.mailbox.waitForSignal();
      else if (shouldYield()) await yieldToEventLoop();
    }
  }

  private pollSource(): MaybePromise {
    let status: InputStatus;
    try {
      status = this.reader!.pollNext(this.sourceOutput!);
    } catch (e) {
      throw this.sourceError(e, 'while reading');
    }
    const pending = this.sourceOutput!.drain();
    switch (status) {
      case 'MORE_AVAILABLE':
        break;
      case 'NOTHING_AVAILABLE':
        this.readerAvailable = false;
        this.reader!.isAvailable().then(
          () => {
            this.readerAvailable = true;
            this.mailbox.signal();
          },
          (e: unknown) => this.fail(this.sourceError(e, 'while waiting for input')),
        );
        break;
      case 'END_OF_INPUT':
        this.sourceEnded = true;
        break;
    }
    return pending;
  }

  private sourceError(e: unknown, phase: string): Error {
    if (e instanceof WeirError) return e;
    const head = this.vertex.head;
    const uid = head.uid === undefined ? '' : ` (uid "${head.uid}")`;
    const message = e instanceof Error ? e.message : String(e);
    return new WeirError(ErrorCodes.SOURCE_FAILED, `Source "${head.name}"${uid}, subtask ${this.subtaskIndex}, failed ${phase}: ${message}`, { cause: e });
  }

  private processNextFrame(): MaybePromise {
    const gate = this.gate!;
    const channel = gate.peekChannel();
    const frame = gate.takeFrame();
    return this.processFrameFrom(channel, frame, 0);
  }

  private processFrameFrom(channel: number, frame: Frame, start: number): MaybePromise {
    const head = this.operatorOrder[0];
    const inputIndex = this.gate!.inputIndexOf(channel);
    const values = frame.values;
    const timestamps = frame.timestamps;
    const n = values.length;
    this.inRecord = true;
    for (let i = start; i < n; i++) {
      this.recordsIn++;
      const r = head.processElement(values[i], timestamps === undefined ? undefined : timestamps[i], inputIndex);
      if (r !== undefined && isPromise(r)) return r.then(() => this.processFrameFrom(channel, frame, i + 1));
    }
    this.inRecord = false;
    this.gate!.release(channel);
    if (frame.control !== undefined) return this.onControl(channel, frame);
    return undefined;
  }

  private onControl(channel: number, frame: Frame): MaybePromise {
    const events = this.gate!.onControl(channel, frame.control!);
    if (events.length === 0) return undefined;
    return this.applyGateEvents(events, 0);
  }

  private applyGateEvents(events: readonly GateEvent[], from: number): MaybePromise {
    const head = this.operatorOrder[0];
    for (let i = from; i < events.length; i++) {
      const event = events[i];
      let r: MaybePromise;
      switch (event.type) {
        case 'watermark':
          r = head.processWatermark(event.watermark);
          break;
        case 'watermark-status':
          r = head.processWatermarkStatus(event.idle);
          break;
        case 'end-of-input':
          if (event.allEnded) this.inputsEnded = true;
          r = head.endInput(event.inputIndex);
          break;
        case 'checkpoint':
          r = this.performCheckpoint(event.checkpointId, event.timestamp, event.savepoint);
          break;
      }
      if (r !== undefined && isPromise(r)) return r.then(() => this.applyGateEvents(events, i + 1));
    }
    return undefined;
  }

  /** Ends the chain in order, sends end-of-input downstream and waits until every frame has left. */
  private async finishOutput(): Promise<void> {
    // No processing-time timer fires once the operators finish (Flink quiesces the timer service): what it emitted
    // would go out behind the end of input. BATCH operators fire their pending timers in finish() themselves.
    this.finishing = true;
    this.processingTime.shutdown();
    if (this.reader !== undefined) {
      const headOutput = this.sourceOutput!;
      // A source that reaches its end emits the maximum watermark: every event-time window and timer fires.
      // Through the watermark output, so an idle source becomes active first and the watermark is not ignored.
      headOutput.emitWatermark(new Watermark(MAX_WATERMARK));
      const r = headOutput.drain();
      if (r) await this.unlessCancelled(r);
    }
    const first = this.vertex.head.kind === 'source' ? 0 : 1;
    if (first === 1) {
      const r = this.operatorOrder[0].finish();
      if (r) await this.unlessCancelled(r);
    }
    for (let i = first; i < this.operatorOrder.length; i++) {
      const op = this.operatorOrder[i];
      const e = op.endInput(0);
      if (e) await e;
      const f = op.finish();
      if (f) await f;
    }
    for (const w of this.writers) w.broadcastControl({ kind: 'end-of-input' });
    if (this.flushTimer !== undefined) clearInterval(this.flushTimer);
    for (;;) {
      if (this.mailbox.hasMail()) await this.drainMail();
      this.checkInterrupts();
      if (this.outputsAvailable()) return;
      await this.mailbox.waitForSignal();
    }
  }

  /**
   * Takes the task's part of a checkpoint: the reader's splits and every operator's snapshot, encoded at once; then
   * the barrier goes downstream behind the records already emitted, and the coordinator gets the acknowledgement.
   * A failed snapshot declines the checkpoint (the coordinator decides what that means for the job).
   */
  private async performCheckpoint(checkpointId: number, timestamp: number, savepoint: boolean): Promise<void> {
    let state: Uint8Array | Error;
    try {
      state = await this.snapshotTask(checkpointId, timestamp);
    } catch (e) {
      state = e instanceof Error ? e : new Error(String(e));
    }
    for (const w of this.writers) w.broadcastControl({ kind: 'barrier', checkpointId, timestamp, savepoint });
    if (state instanceof Error) this.services.declineCheckpoint(this.vertex.id, this.subtaskIndex, checkpointId, state);
    else this.services.acknowledgeCheckpoint(this.vertex.id, this.subtaskIndex, checkpointId, state);
  }

  private async snapshotTask(checkpointId: number, timestamp: number): Promise<Uint8Array> {
    const operators: Record<string, OperatorSnapshot> = {};
    if (this.reader !== undefined) operators[operatorIdOf(this.vertex.head)] = { splits: this.reader.snapshotState(checkpointId) };
    for (const [nodeId, op] of this.operators) {
      operators[this.operatorIds.get(nodeId)!] = await op.snapshotState(checkpointId, timestamp);
    }
    return encodeTaskSnapshot({ operators });
  }

  private async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    for (const op of this.operatorOrder) {
      const r = op.notifyCheckpointComplete(checkpointId);
      if (r) await r;
    }
    if (checkpointId === END_OF_INPUT_CHECKPOINT_ID) this.finalCheckpointDone = true;
  }

  /**
   * The end of a task (Flink's final checkpoint, FLIP-147): its final snapshot goes to the coordinator, and the task
   * waits until every task did and the coordinator completes the final checkpoint; then two-phase-commit sinks commit
   * their last output. So nothing is committed while any task of the attempt may still fail.
   */
  private async finalCheckpoint(): Promise<void> {
    // Without checkpoints the final snapshot would never be used (unless it becomes a drained savepoint): only the end is reported.
    const state = this.deployment.checkpointing.enabled || this.draining ? this.snapshotTask(END_OF_INPUT_CHECKPOINT_ID, Date.now()) : Promise.resolve(encodeTaskSnapshot({ operators: {} }));
    await this.unlessCancelled(state.then((s) => this.services.reportFinished(this.vertex.id, this.subtaskIndex, s)));
    for (;;) {
      if (this.mailbox.hasMail()) await this.drainMail();
      this.checkInterrupts();
      if (this.finalCheckpointDone) return;
      await this.mailbox.waitForSignal();
    }
  }

  private async closeAll(): Promise<void> {
    if (this.flushTimer !== undefined) clearInterval(this.flushTimer);
    this.processingTime.shutdown();
    for (const op of this.operatorOrder) {
      try {
        const r = op.close();
        if (r) await r;
      } catch {
        // Closing after a failure must not hide the failure.
      }
    }
    if (this.reader !== undefined) {
      try {
        await this.reader.close();
      } catch {
        // As above.
      }
    }
    this.gate?.close();
  }

  /** Closes the task's outgoing channels (after the job ended, so no frame in flight is cut off). */
  closeChannels(): void {
    for (const w of this.channelWriters) w.close();
  }
}
