import { z } from 'zod';

const federation = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('saml'),
    /** Shown on the hosted sign-in page, e.g. "EntraID". */
    name: z.string().regex(/^[\w-]{1,32}$/),
    /** The IdP's federation metadata URL (Entra ID: App Federation Metadata Url). */
    metadataUrl: z.url(),
  }),
  z.object({
    type: z.literal('oidc'),
    name: z.string().regex(/^[\w-]{1,32}$/),
    issuerUrl: z.url(),
    clientId: z.string().min(1),
    /** Name of a Secrets Manager secret holding the client secret, so it never sits in the template. */
    clientSecretName: z.string().min(1),
  }),
]);

/** Deployment settings, read from CDK context (`cdk.json` or `-c key=value`). */
export const configSchema = z
  .object({
    /** Sender of invitations and reminders; its domain (or itself) must be a verified SES identity. */
    mailFrom: z.email(),
    /** The verified SES identity mail is sent as; defaults to the domain of `mailFrom`. */
    sesIdentity: z.string().min(3).optional(),
    /** Prefix of the Cognito hosted sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`), unique per region. */
    authDomainPrefix: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/)
      .optional(),
    federation: federation.optional(),
    /** A custom domain for the site; the certificate must be in us-east-1 (CloudFront's region). */
    domainName: z.string().min(3).optional(),
    certificateArn: z.string().startsWith('arn:aws:acm:us-east-1:').optional(),
    /** Alarm notifications go to this address (a subscription to confirm by email). */
    alarmEmail: z.email().optional(),
    /** Requests per second allowed on the public API routes (health, sign-in configuration), and their burst. */
    publicRateLimit: z.coerce.number().int().positive().default(1000),
    publicBurstLimit: z.coerce.number().int().positive().default(2000),
    /**
     * Reserved concurrency of the Respond function, the cap on the respondent URL (it answers 429
     * past that many in flight, or ten times that many a second). Unset by default: Lambda keeps 100
     * of the account's limit unreserved, and a new account's limit can be as low as 10, so any
     * reservation would fail its deploy. 100 (1,000 requests a second) suits a limit of 1,000.
     */
    respondConcurrency: z.coerce.number().int().positive().optional(),
    /** The built web app; deployed only when it exists, so synth and tests never need a web build. */
    webDist: z.string().default('web/dist'),
  })
  .refine((c) => Boolean(c.domainName) === Boolean(c.certificateArn), {
    message: 'domainName and certificateArn go together',
    path: ['certificateArn'],
  });

export type BaselineConfig = z.infer<typeof configSchema>;
export type FederationConfig = z.infer<typeof federation>;

/**
 * Parse the deployment settings from CDK context values; a wrong or missing value fails synth with
 * the setting's name. JSON-valued settings (federation) may arrive as strings from `-c`.
 */
export function readConfig(get: (key: string) => unknown): BaselineConfig {
  const keys = Object.keys(configSchema.shape);
  const raw = Object.fromEntries(
    keys.map((key) => {
      const value = get(key);
      return [key, key === 'federation' && typeof value === 'string' ? JSON.parse(value) : value];
    }),
  );
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`Bad deployment setting: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** The SES identity the mail goes out as: the one configured, else the sender's domain. */
export function resolveSesIdentity(config: BaselineConfig): string {
  return config.sesIdentity ?? config.mailFrom.slice(config.mailFrom.indexOf('@') + 1);
}
