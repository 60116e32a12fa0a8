/** The public parts of `FileSink`, re-exported by `@weir/core`. */
export { BasePathBucketAssigner } from './base-path-bucket-assigner.js';
export type { BucketAssigner, BucketAssignerContext } from './bucket-assigner.js';
export { DateTimeBucketAssigner, DEFAULT_DATE_TIME_BUCKET_FORMAT } from './date-time-bucket-assigner.js';
export { DefaultRollingPolicy, DefaultRollingPolicyBuilder } from './default-rolling-policy.js';
export type { Encoder } from './encoder.js';
export { FileCommitter } from './file-committer.js';
export { FILE_SINK_STATE_VERSION } from './file-sink-checkpoint-data.js';
export type { FileSinkCommittable, FileWriterBucketState, InProgressFileState } from './file-sink-checkpoint-data.js';
export { DEFAULT_BUCKET_CHECK_INTERVAL, FileSink, RowFormatBuilder } from './file-sink.js';
export type { FileSinkSettings } from './file-sink.js';
export { FileWriter } from './file-writer.js';
export type { FileWriterConfig, FileWriterStatus } from './file-writer.js';
export { OnCheckpointRollingPolicy } from './on-checkpoint-rolling-policy.js';
export { OutputFileConfig, OutputFileConfigBuilder } from './output-file-config.js';
export type { PartFileInfo, RollingPolicy } from './rolling-policy.js';
export { SimpleStringEncoder } from './simple-string-encoder.js';
export type { SimpleStringEncoderCharset } from './simple-string-encoder.js';
