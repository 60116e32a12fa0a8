import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stateBackendConformanceSuite } from '@weir/core/testing';
import { afterAll } from 'vitest';
import { LevelStateBackend } from '../src/index.js';

// Real LevelDB files in a temporary directory.
const root = mkdtempSync(path.join(os.tmpdir(), 'weir-state-level-conformance-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

stateBackendConformanceSuite('level', () => new LevelStateBackend({ path: root }));

// The same contract with a cache of two entries: nearly every operation misses, evicts and writes back.
stateBackendConformanceSuite('level, cache of 2 entries', () => new LevelStateBackend({ path: root, cacheSize: 2, writeBatchSize: 3 }));
