import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { AttributeType, Billing, ProjectionType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EXPIRY_ATTRIBUTE, INDEX, TABLE_KEYS } from '../shared/keys.ts';
import type { TableRef } from './baseline-function.ts';

/**
 * The two tables, keyed by the constants the store uses so the stack and the code cannot drift.
 *
 * `main` holds everything that must never be lost: point-in-time recovery, deletion protection,
 * retained on stack deletion. `ephemeral` holds invitations (they carry emails), wave secrets and a
 * closing wave's partial counts per shard (unsuppressed small groups), which must be gone for good once a wave closes: no point-in-time recovery, so a deleted item has
 * no restorable copy anywhere in the service. Both are encrypted at rest with the AWS-managed key,
 * so every use of the key shows in CloudTrail.
 *
 * `uploads` carries what does not fit a 6 MB Lambda payload (directory CSVs in, invitation exports
 * out) through presigned URLs; objects hold emails, so they expire after a day.
 */
export class Data extends Construct {
  readonly main: TableV2;
  readonly ephemeral: TableV2;
  readonly uploads: Bucket;
  /** The uploads bucket's name, known before deployment so the site's CSP can name it without a template cycle. */
  readonly uploadsBucketName: string;
  readonly tables: { readonly main: TableRef; readonly ephemeral: TableRef };

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const keys = {
      partitionKey: { name: TABLE_KEYS.partition, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sort, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      deletionProtection: true,
    };
    this.main = new TableV2(this, 'Main', {
      ...keys,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Sealed responses expire after their wave's latest close (shared/open-period.ts): a TTL delete
      // costs no write unit, where the close deleted each one. What protects them after the close is
      // that the wave secret is gone (ephemeral, no backups); a deleted item stayed in these backups anyway.
      timeToLiveAttribute: EXPIRY_ATTRIBUTE,
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [
        {
          indexName: INDEX.byParent.name,
          partitionKey: { name: INDEX.byParent.partition, type: AttributeType.STRING },
          sortKey: { name: INDEX.byParent.sort, type: AttributeType.STRING },
          projectionType: ProjectionType[INDEX.byParent.projection],
        },
      ],
    });
    this.ephemeral = new TableV2(this, 'Ephemeral', {
      ...keys,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false },
      // A closed wave's invitation markers expire, and so do an abandoned close's partial counts.
      timeToLiveAttribute: EXPIRY_ATTRIBUTE,
      // Retained like main: deleting the stack mid-wave must not silently drop live invitations.
      removalPolicy: RemovalPolicy.RETAIN,
      // No index: an index entry per invitation doubled the open's writes; the jobs that enumerate a
      // wave's invitations scan this table instead (functions/store/invitations.ts).
    });
    this.tables = {
      main: { table: this.main, indexNames: [INDEX.byParent.name] },
      ephemeral: { table: this.ephemeral, indexNames: [] },
    };
    const stack = Stack.of(this);
    this.uploadsBucketName = `${stack.stackName.toLowerCase()}-uploads-${stack.account}-${stack.region}`;
    this.uploads = new Bucket(this, 'Uploads', {
      bucketName: this.uploadsBucketName,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [{ expiration: Duration.days(1), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  /** Let a function read, write and delete upload objects (no listing); a directory is deleted once read, the rest expire. */
  grantUploads(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: [this.uploads.arnForObjects('*')],
      }),
    );
  }

  /** Let the browser PUT and GET presigned objects from the site's own origin, and nowhere else. */
  allowBrowserUploadsFrom(siteUrl: string): void {
    this.uploads.addCorsRule({
      allowedOrigins: [siteUrl],
      allowedMethods: [HttpMethods.PUT, HttpMethods.GET],
      allowedHeaders: ['content-type', 'content-length'],
      maxAge: 3600,
    });
  }
}
