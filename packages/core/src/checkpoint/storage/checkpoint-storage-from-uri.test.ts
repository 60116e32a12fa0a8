import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, WeirError } from '../../errors.js';
import { checkpointStorageFromUri } from './checkpoint-storage-from-uri.js';
import { LocalDirectoryCheckpointStorage } from './local-directory-checkpoint-storage.js';
import { MemoryCheckpointStorage } from './memory-checkpoint-storage.js';

function configurationError(action: () => unknown): WeirError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(WeirError);
    expect((error as WeirError).code).toBe(ErrorCodes.INVALID_CONFIGURATION);
    return error as WeirError;
  }
  throw new Error('expected INVALID_CONFIGURATION');
}

describe('checkpointStorageFromUri', () => {
  it('memory:// is in-memory storage', () => {
    expect(checkpointStorageFromUri('memory://')).toBeInstanceOf(MemoryCheckpointStorage);
    expect(checkpointStorageFromUri('MEMORY://', { savepointDirectory: 'memory://sp' }).savepointDirectory).toBe('memory://sp');
  });

  it('file:// URIs and plain paths are local directories', () => {
    const absolute = path.resolve('some', 'checkpoints');
    const fromUri = checkpointStorageFromUri(pathToFileURL(absolute).href);
    expect(fromUri).toBeInstanceOf(LocalDirectoryCheckpointStorage);
    expect((fromUri as LocalDirectoryCheckpointStorage).directory).toBe(absolute);
    expect((checkpointStorageFromUri(absolute) as LocalDirectoryCheckpointStorage).directory).toBe(absolute);
    expect((checkpointStorageFromUri('relative/dir') as LocalDirectoryCheckpointStorage).directory).toBe(path.resolve('relative/dir'));
  });

  it('other schemes, malformed file URIs and paths after memory:// are INVALID_CONFIGURATION', () => {
    expect(configurationError(() => checkpointStorageFromUri('s3://bucket/checkpoints')).message).toMatch(/s3:.*file:\/\/.*memory:\/\//);
    expect(configurationError(() => checkpointStorageFromUri('nats://localhost:4222')).message).toContain('nats://localhost:4222');
    expect(configurationError(() => checkpointStorageFromUri('file://remote-host/dir')).message).toContain('file:///absolute/path');
    expect(configurationError(() => checkpointStorageFromUri('memory://some/where')).message).toContain('memory:// takes no path');
  });

  it('throws TypeError for a value that is not a non-empty string', () => {
    for (const value of ['', '  ', undefined, 42]) expect(() => checkpointStorageFromUri(value as string)).toThrow(TypeError);
  });
});
