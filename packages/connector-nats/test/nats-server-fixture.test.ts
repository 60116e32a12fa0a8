/** The nats-server test fixture: start, kill, restart on the same port with the same JetStream store, a cluster. */
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { NatsServer, startNatsCluster } from '../src/testing/index.js';

describe('NatsServer fixture', () => {
  it('starts on a free port, logs, survives SIGKILL and a restart on the same port', async () => {
    const server = await NatsServer.start();
    try {
      expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
      expect(server.log).toMatch(/Server is ready/);
      expect(server.log).toMatch(/Starting JetStream/);
      const nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 50 });
      const sub = nc.subscribe('fixture.test', { max: 1 });
      await server.kill();
      expect(server.running).toBe(false);
      await server.restart();
      expect(server.running).toBe(true);
      expect(server.log.match(/Server is ready/g)).toHaveLength(2);
      // The client finds the restarted server on the same port and its subscription works again.
      let got: string | undefined;
      const received = (async () => {
        for await (const m of sub) got = m.string();
      })();
      for (let i = 0; i < 100 && got === undefined; i++) {
        nc.publish('fixture.test', 'after restart');
        await new Promise((r) => setTimeout(r, 50));
      }
      await received;
      expect(got).toBe('after restart');
      await nc.close();
    } finally {
      await server.dispose();
    }
  });

  it('a missing binary is a clear error', async () => {
    const previous = process.env.WEIR_NATS_SERVER;
    process.env.WEIR_NATS_SERVER = '/nonexistent/nats-server';
    try {
      await expect(NatsServer.start()).rejects.toThrow(/nats-server is not installed.*apt-get install nats-server/);
    } finally {
      if (previous === undefined) delete process.env.WEIR_NATS_SERVER;
      else process.env.WEIR_NATS_SERVER = previous;
    }
  });

  it('starts a 3-node cluster whose nodes route messages to each other', async () => {
    const cluster = await startNatsCluster(3);
    try {
      const a = await connect({ servers: cluster.urls[0] });
      const c = await connect({ servers: cluster.urls[2] });
      const sub = c.subscribe('across.cluster', { max: 1 });
      await c.flush();
      let got: string | undefined;
      const received = (async () => {
        for await (const m of sub) got = m.string();
      })();
      for (let i = 0; i < 100 && got === undefined; i++) {
        a.publish('across.cluster', 'hello');
        await new Promise((r) => setTimeout(r, 20));
      }
      await received;
      expect(got).toBe('hello');
      await a.close();
      await c.close();
    } finally {
      await cluster.dispose();
    }
  });
});
