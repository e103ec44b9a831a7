/**
 * A loopback stand-in for the AWS endpoints the entry points call besides DynamoDB (which is the
 * embedded engine): Lambda async invoke, SES v2, and the Cognito pool's JWKS. The real SDK clients
 * talk to it over HTTP, so requests are serialized exactly as they would be for AWS.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Invocation {
  functionName: string;
  invocationType: string;
  payload: unknown;
}
export interface SentMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  configurationSet?: string;
  at: number;
}

export interface FakeAws {
  url: string;
  invocations: Invocation[];
  mail: SentMail[];
  /** The JWKS served at `<url>/<pool>/.well-known/jwks.json`. */
  jwks: { keys: unknown[] };
  maxSendRate: number;
  stop(): Promise<void>;
}

const read = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

export async function startFakeAws(): Promise<FakeAws> {
  const fake: Omit<FakeAws, 'url' | 'stop'> = { invocations: [], mail: [], jwks: { keys: [] }, maxSendRate: 1000 };
  const server = createServer(async (request, response) => {
    const body = await read(request);
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const json = (status: number, value?: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(value === undefined ? '' : JSON.stringify(value));
    };
    const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(path);
    if (invoke && request.method === 'POST') {
      fake.invocations.push({
        functionName: decodeURIComponent(invoke[1]!),
        invocationType: String(request.headers['x-amz-invocation-type']),
        payload: JSON.parse(body),
      });
      return json(202);
    }
    if (path === '/v2/email/account' && request.method === 'GET') {
      return json(200, { SendQuota: { MaxSendRate: fake.maxSendRate, Max24HourSend: 50_000, SentLast24Hours: 0 }, ProductionAccessEnabled: true });
    }
    if (path === '/v2/email/outbound-emails' && request.method === 'POST') {
      const input = JSON.parse(body);
      fake.mail.push({
        to: input.Destination.ToAddresses,
        from: input.FromEmailAddress,
        subject: input.Content.Simple.Subject.Data,
        text: input.Content.Simple.Body.Text.Data,
        configurationSet: input.ConfigurationSetName,
        at: performance.now(),
      });
      return json(200, { MessageId: `m-${fake.mail.length}` });
    }
    if (path.endsWith('/.well-known/jwks.json')) return json(200, fake.jwks);
    return json(404, { message: `no fake for ${request.method} ${path}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
