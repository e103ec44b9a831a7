import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EXPIRY_ATTRIBUTE, INDEX, TABLE_KEYS } from '../../shared/keys.ts';
import { logicalIdAt, synthStack } from './synth.ts';

const { stack, template } = synthStack();
const table = (path: string) => template.toJSON().Resources[logicalIdAt(stack, path)];

describe('data', () => {
  it.each([
    ['Data/Main', INDEX.byParent],
    ['Data/Ephemeral', undefined],
  ])('%s is keyed by the constants the store uses, on demand, encrypted, protected from deletion', (path, index) => {
    const { Properties: p, DeletionPolicy } = table(path);
    expect(p.KeySchema).toEqual([
      { AttributeName: TABLE_KEYS.partition, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' },
    ]);
    if (index)
      expect(p.GlobalSecondaryIndexes).toEqual([
        expect.objectContaining({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partition, KeyType: 'HASH' },
            { AttributeName: index.sort, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: index.projection },
        }),
      ]);
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
    expect(p.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    expect(p.Replicas[0].DeletionProtectionEnabled).toBe(true);
    expect(DeletionPolicy).toBe('Retain');
  });

  it("indexes no invitation: an index entry per invitation doubled the open's write units (the jobs that enumerate them scan)", () => {
    expect(table('Data/Ephemeral').Properties.GlobalSecondaryIndexes).toBeUndefined();
  });

  it("lets DynamoDB delete a closed wave's invitation markers when they expire", () => {
    expect(table('Data/Ephemeral').Properties.TimeToLiveSpecification).toEqual({ AttributeName: EXPIRY_ATTRIBUTE, Enabled: true });
  });

  it('lets DynamoDB delete sealed responses when they expire, after their wave has closed', () => {
    expect(table('Data/Main').Properties.TimeToLiveSpecification).toEqual({ AttributeName: EXPIRY_ATTRIBUTE, Enabled: true });
  });

  it('lets the main table be restored to any point in time', () => {
    expect(table('Data/Main').Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('keeps no restorable copy of invitations and wave secrets', () => {
    expect(table('Data/Ephemeral').Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: false });
  });

  it('expires uploads and exports after a day and keeps the bucket private', () => {
    const { Properties: p } = table('Data/Uploads');
    expect(p.LifecycleConfiguration.Rules).toEqual([expect.objectContaining({ ExpirationInDays: 1, Status: 'Enabled' })]);
    expect(p.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(p.CorsConfiguration.CorsRules).toEqual([expect.objectContaining({ AllowedMethods: ['PUT', 'GET'] })]);
    expect(JSON.stringify(p.CorsConfiguration)).not.toContain('"*"');
  });

  it('refuses plain-HTTP access to the uploads bucket', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalIdAt(stack, 'Data/Uploads') },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});
