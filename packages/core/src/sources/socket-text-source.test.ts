import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes, WeirError } from '../errors.js';
import { SocketTextSource } from './socket-text-source.js';
import { readAll, SourceTestDriver } from './source-test-driver.js';

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Starts a server on a free port that runs `onConnection` for each client. */
async function startServer(onConnection: (socket: Socket) => void | Promise<void>): Promise<number> {
  const server = createServer((socket) => void onConnection(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('SocketTextSource', () => {
  it('is unbounded and not parallel, and validates its arguments', () => {
    const source = new SocketTextSource('localhost', 9999);
    expect(source.getBoundedness()).toBe('CONTINUOUS_UNBOUNDED');
    expect(source.maxParallelism).toBe(1);
    expect(() => new SocketTextSource('', 9999)).toThrow(TypeError);
    expect(() => new SocketTextSource('localhost', 0)).toThrow(TypeError);
    expect(() => new SocketTextSource('localhost', 70_000)).toThrow(TypeError);
    expect(() => new SocketTextSource('localhost', 9999, '')).toThrow(TypeError);
  });

  it('emits the lines a server sends, without \\r, then the last partial line when the server closes', async () => {
    const port = await startServer((socket) => {
      socket.end('one\r\ntwo\n\nthree');
    });
    expect(await readAll(new SocketTextSource('127.0.0.1', port))).toEqual([['one', 'two', '', 'three']]);
  });

  it('emits nothing more when the text ends with the delimiter', async () => {
    const port = await startServer((socket) => {
      socket.end('a\nb\n');
    });
    expect(await readAll(new SocketTextSource('127.0.0.1', port))).toEqual([['a', 'b']]);
  });

  it('handles characters and delimiters split across packets', async () => {
    const port = await startServer(async (socket) => {
      const bytes = Buffer.from('héllo||wörld €|||end|');
      for (let i = 0; i < bytes.length; i += 3) {
        socket.write(bytes.subarray(i, i + 3));
        await sleep(2);
      }
      socket.end();
    });
    expect(await readAll(new SocketTextSource('127.0.0.1', port, '||'))).toEqual([['héllo', 'wörld €', '|end|']]);
  });

  it('keeps \\r when the delimiter is not \\n', async () => {
    const port = await startServer((socket) => {
      socket.end('a\r;b');
    });
    expect(await readAll(new SocketTextSource('127.0.0.1', port, ';'))).toEqual([['a\r', 'b']]);
  });

  it('emits records while the connection stays open', async () => {
    let client: Socket | undefined;
    const port = await startServer((socket) => {
      client = socket;
      socket.write('x\ny\n');
    });
    const driver = await SourceTestDriver.create(new SocketTextSource('127.0.0.1', port));
    const result = await driver.run({ maxRecords: 2 });
    expect(result.records).toEqual([['x', 'y']]);
    expect(result.finished).toEqual([false]);
    expect(await driver.snapshot(1)).toEqual({ enumeratorState: [], readerSplits: [[{ splitId: '0' }]] });
    client?.end('z\n');
    const rest = await driver.run();
    expect(rest.records).toEqual([['z']]);
    expect(rest.finished).toEqual([true]);
    await driver.close();
  });

  it('reads many lines with backpressure', async () => {
    const expected = Array.from({ length: 50_000 }, (_, i) => `record ${i}`);
    const port = await startServer((socket) => {
      socket.end(expected.join('\n'));
    });
    expect(await readAll(new SocketTextSource('127.0.0.1', port))).toEqual([expected]);
  });

  it('fails with SOURCE_FAILED naming host:port when it cannot connect', async () => {
    const port = await startServer(() => {});
    await new Promise((resolve) => (servers.pop() as Server).close(resolve));
    const error = await readAll(new SocketTextSource('127.0.0.1', port)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeirError);
    expect((error as WeirError).code).toBe(ErrorCodes.SOURCE_FAILED);
    expect((error as WeirError).message).toContain(`127.0.0.1:${port}`);
  });
});
