import { describe, expect, it } from 'vitest';
import { readConfig, resolveSesIdentity } from '../../infra/config.ts';

const from = (values: Record<string, unknown>) => readConfig((key) => values[key]);

describe('deployment settings', () => {
  it("mails as the sender's domain unless an identity is named", () => {
    expect(resolveSesIdentity(from({ mailFrom: 'surveys@hr.example.org' }))).toBe('hr.example.org');
    expect(resolveSesIdentity(from({ mailFrom: 'surveys@hr.example.org', sesIdentity: 'example.org' }))).toBe('example.org');
  });

  it.each([
    [{}, 'mailFrom'],
    [{ mailFrom: 'not an address' }, 'mailFrom'],
    [{ mailFrom: 'a@example.org', domainName: 'survey.example.org' }, 'certificateArn'],
    [{ mailFrom: 'a@example.org', domainName: 'x.example.org', certificateArn: 'arn:aws:acm:eu-west-1:1:certificate/x' }, 'certificateArn'],
    [{ mailFrom: 'a@example.org', federation: '{"type":"saml","name":"EntraID"}' }, 'federation.metadataUrl'],
  ])('refuses %j, naming %s', (values, setting) => {
    expect(() => from(values)).toThrow(setting);
  });

  it('reads numbers passed on the command line as text', () => {
    expect(from({ mailFrom: 'a@example.org', publicRateLimit: '250' }).publicRateLimit).toBe(250);
    expect(from({ mailFrom: 'a@example.org', respondConcurrency: '100' }).respondConcurrency).toBe(100);
  });

  it('reserves no concurrency for the respondent URL unless asked: a new account cannot reserve any (Lambda keeps 100 unreserved)', () => {
    expect(from({ mailFrom: 'a@example.org' }).respondConcurrency).toBeUndefined();
  });
});
