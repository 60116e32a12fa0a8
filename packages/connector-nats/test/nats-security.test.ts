/**
 * Security against real nats-servers configured for it: user and password, token, NKey and TLS with a client
 * certificate, each configured once through `connectNats`; wrong credentials fail with a clear error that holds no
 * secret; a user restricted to its job's subjects cannot use another job's channels (NATS_PERMISSION_DENIED), so it
 * can neither read nor send their frames.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { createAccount, createOperator, createUser, encodeAccount, encodeOperator, encodeUser, fmtCreds } from '@nats-io/jwt';
import { nkeys } from '@nats-io/transport-node';
import { ChannelReader, ChannelWriter, type ChannelAddress, type Frame } from '@weir/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats, NatsTransport, type NatsConnectionConfig } from '../src/index.js';
import { NatsServer } from '../src/testing/index.js';

const PASSWORD = 'pa55-word-never-printed';
const TOKEN = 'tok-never-printed-0123456789';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-nats-security-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every text an error shows: message, String(), and the messages of its causes. */
function everythingIn(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e !== undefined && e !== null; e = (e as { cause?: unknown }).cause) {
    parts.push(e instanceof Error ? `${e.name}: ${e.message}` : JSON.stringify(e), (e as Error).message ?? '', (e as Error).stack ?? '');
    if (parts.length > 30) break;
  }
  return parts.join('\n');
}

async function expectRefused(config: NatsConnectionConfig, code: string, secret?: string): Promise<void> {
  const error = await connectNats({ ...config, maxReconnectAttempts: 0, timeoutMs: 2000 }).then(
    async (nc) => {
      await nc.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ code });
  if (secret !== undefined) expect(everythingIn(error)).not.toContain(secret);
}

/** A frame round trip over a transport on `connection` for channel `address`. */
async function roundTrip(transport: NatsTransport, address: ChannelAddress): Promise<unknown[]> {
  const got: unknown[] = [];
  const reader = new ChannelReader(transport, address, { onFrame: (f: Frame) => got.push(f.values[0]), onError: (e) => got.push(e) });
  const writer = new ChannelWriter(transport, address, { onAvailable: () => undefined, onError: (e) => got.push(e) });
  writer.write(['hello'], undefined, undefined);
  for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  reader.close();
  writer.close();
  return got;
}

const channel = (jobId: string): ChannelAddress => ({ jobId, attempt: 0, edgeId: 'e1', senderSubtask: 0, receiverSubtask: 0 });

describe('NATS security', () => {
  it('user and password: the right ones connect and carry frames, a wrong password fails without showing it', async () => {
    const server = await NatsServer.start({ jetstream: false, config: `authorization { users: [ { user: weir, password: "${PASSWORD}" } ] }` });
    try {
      const nc = await connectNats({ servers: server.url, user: 'weir', password: PASSWORD });
      const transport = new NatsTransport(nc);
      expect(await roundTrip(transport, channel('userpass'))).toEqual(['hello']);
      await transport.close();
      await nc.close();
      await expectRefused({ servers: server.url, user: 'weir', password: 'wrong-password' }, 'WEIR_NATS_AUTHENTICATION_FAILED', 'wrong-password');
      await expectRefused({ servers: server.url }, 'WEIR_NATS_AUTHENTICATION_FAILED');
    } finally {
      await server.dispose();
    }
  });

  it('token: the right one connects, a wrong one fails without showing it', async () => {
    const server = await NatsServer.start({ jetstream: false, config: `authorization { token: "${TOKEN}" }` });
    try {
      const nc = await connectNats({ servers: server.url, token: TOKEN });
      expect(nc.isClosed()).toBe(false);
      await nc.close();
      await expectRefused({ servers: server.url, token: 'tok-wrong-secret-value' }, 'WEIR_NATS_AUTHENTICATION_FAILED', 'tok-wrong-secret-value');
    } finally {
      await server.dispose();
    }
  });

  it('NKey: the user seed connects; another seed fails without showing it', async () => {
    const user = nkeys.createUser();
    const seed = new TextDecoder().decode(user.getSeed());
    const server = await NatsServer.start({ jetstream: false, config: `authorization { users: [ { nkey: ${user.getPublicKey()} } ] }` });
    try {
      const nc = await connectNats({ servers: server.url, nkeySeed: seed });
      const transport = new NatsTransport(nc);
      expect(await roundTrip(transport, channel('nkey'))).toEqual(['hello']);
      await transport.close();
      await nc.close();
      const other = new TextDecoder().decode(nkeys.createUser().getSeed());
      await expectRefused({ servers: server.url, nkeySeed: other }, 'WEIR_NATS_AUTHENTICATION_FAILED', other);
      await expectRefused({ servers: server.url, nkeySeed: 'not-a-seed' }, 'WEIR_NATS_CONFIGURATION_INVALID');
    } finally {
      await server.dispose();
    }
  });

  it('TLS with a client certificate: the CA and certificate connect; without the certificate the handshake fails', async () => {
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=weir-test-ca');
    for (const name of ['server', 'client']) {
      ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name === 'server' ? '127.0.0.1' : 'weir-client'}`);
      const ext = join(dir, `${name}.ext`);
      execFileSync('sh', ['-c', `printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=${name === 'server' ? 'serverAuth' : 'clientAuth'}\\n' > ${ext}`]);
      ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', ext);
    }
    const f = (name: string) => JSON.stringify(join(dir, name));
    const server = await NatsServer.start({ jetstream: false, config: `tls { cert_file: ${f('server.pem')}, key_file: ${f('server.key')}, ca_file: ${f('ca.pem')}, verify: true }` });
    try {
      const nc = await connectNats({ servers: server.url, tls: { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'client.pem'), keyFile: join(dir, 'client.key') } });
      const transport = new NatsTransport(nc);
      expect(await roundTrip(transport, channel('tls'))).toEqual(['hello']);
      await transport.close();
      await nc.close();
      const refused = await connectNats({ servers: server.url, tls: { caFile: join(dir, 'ca.pem') }, maxReconnectAttempts: 0, timeoutMs: 2000 }).then(
        async (c) => {
          await c.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(refused).toBeDefined();
      expect((refused as { code: string }).code).toMatch(/^WEIR_NATS_(TLS_FAILED|UNREACHABLE|AUTHENTICATION_FAILED)$/);
      await expectRefused({ servers: server.url, tls: { caFile: join(dir, 'missing.pem') } }, 'WEIR_NATS_CONFIGURATION_INVALID');
    } finally {
      await server.dispose();
    }
  });

  it("a user restricted to its job's subjects cannot use another job's channels: NATS_PERMISSION_DENIED, no frame", async () => {
    const permissions = `{ publish: ["weir.ch.jobA.>"], subscribe: ["weir.ch.jobA.>"] }`;
    const server = await NatsServer.start({
      jetstream: false,
      config: `authorization { users: [ { user: a, password: "${PASSWORD}", permissions: ${permissions} }, { user: admin, password: "${PASSWORD}" } ] }`,
    });
    try {
      const restricted = new NatsTransport(await connectNats({ servers: server.url, user: 'a', password: PASSWORD }));
      const admin = new NatsTransport(await connectNats({ servers: server.url, user: 'admin', password: PASSWORD }));
      expect(await roundTrip(restricted, channel('jobA'))).toEqual(['hello']);

      // Reading another job's frames: the subscription is refused.
      const errors: Error[] = [];
      const frames: unknown[] = [];
      restricted.createReceiver(channel('jobB'), { onFrame: (f) => frames.push(f), onError: (e) => errors.push(e) });
      const writer = new ChannelWriter(admin, channel('jobB'), { onAvailable: () => undefined, onError: () => undefined });
      writer.write(['secret of job B'], undefined, undefined);
      for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(frames).toEqual([]);
      expect(errors[0]).toMatchObject({ code: 'WEIR_NATS_PERMISSION_DENIED', message: expect.stringMatching(/refused to let this user subscribe to weir\.ch\.jobB\.0\.e1\.0\.0\./) });

      // Sending into another job's channel: the publish is refused.
      const senderErrors: Error[] = [];
      const reader = new ChannelReader(admin, channel('jobC'), { onFrame: (f) => frames.push(f), onError: () => undefined });
      const sender = restricted.createSender(channel('jobC'), { onCredit: () => undefined, onError: (e) => senderErrors.push(e) });
      sender.send({ seq: 1, values: ['forged'], timestamps: undefined, control: undefined });
      for (let i = 0; i < 100 && senderErrors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(senderErrors[0]).toMatchObject({ code: 'WEIR_NATS_PERMISSION_DENIED' });
      expect(frames).toEqual([]);
      reader.close();
      writer.close();
      await restricted.connection.close();
      await admin.connection.close();
    } finally {
      await server.dispose();
    }
  });

  it('credentials file (JWT): a user of the preloaded account connects; a user signed by an unknown account fails', async () => {
    const operator = createOperator();
    const account = createAccount();
    const operatorJwt = await encodeOperator('weir-test-operator', operator);
    // No limits (the JWT library's defaults allow no connection at all).
    const accountJwt = await encodeAccount('JOBS', account, { limits: { conn: -1, subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, leaf: -1 } }, { signer: operator });
    const user = createUser();
    const credsFile = join(dir, 'weir.creds');
    const unlimited = { subs: -1, data: -1, payload: -1 };
    await writeFile(credsFile, fmtCreds(await encodeUser('weir', user, account, unlimited), user));
    const stranger = createUser();
    const strangerFile = join(dir, 'stranger.creds');
    await writeFile(strangerFile, fmtCreds(await encodeUser('stranger', stranger, createAccount()), stranger));
    const server = await NatsServer.start({
      jetstream: false,
      config: `operator: ${operatorJwt}\nresolver: MEMORY\nresolver_preload: { ${account.getPublicKey()}: ${accountJwt} }`,
    });
    try {
      const nc = await connectNats({ servers: server.url, credentialsFile: credsFile });
      const transport = new NatsTransport(nc);
      expect(await roundTrip(transport, channel('creds'))).toEqual(['hello']);
      await transport.close();
      await nc.close();
      await expectRefused({ servers: server.url, credentialsFile: strangerFile }, 'WEIR_NATS_AUTHENTICATION_FAILED', new TextDecoder().decode(stranger.getSeed()));
      await expectRefused({ servers: server.url, credentialsFile: join(dir, 'ca.pem') }, 'WEIR_NATS_CONFIGURATION_INVALID');
    } finally {
      await server.dispose();
    }
  });
});
