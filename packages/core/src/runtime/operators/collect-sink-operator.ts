/** The sink operator of `executeAndCollect()`: hands records to the job's client through the JobManager. */
import { createCollectWriter } from '../../sinks/collect-sink.js';
import type { Sink } from '../../connector/sink.js';
import { SinkWriterOperator } from './sink-operator.js';

/** Creates the operator of a collect sink identified by `sinkId`. */
export function createCollectSinkOperator(sinkId: string): SinkWriterOperator {
  let operator: SinkWriterOperator | undefined = undefined;
  const sink: Sink<unknown> = {
    createWriter: () => createCollectWriter((values) => operator!.contextForCollect().sendToClient(sinkId, values)),
  };
  operator = new SinkWriterOperator(sink);
  return operator;
}
