/** The cloud FileStore: the uploads bucket (private, objects expire after a day) and presigned URLs. */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { NotFoundError } from '../errors.ts';
import type { FileStore } from '../files.ts';

const URL_LIFETIME_SECONDS = 15 * 60;

export function createS3FileStore(client: S3Client, bucket: string): FileStore {
  return {
    createUploadUrl: (key, contentType) =>
      getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: contentType }), { expiresIn: URL_LIFETIME_SECONDS }),
    async take(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const text = await object.Body!.transformToString('utf-8');
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
        return text;
      } catch (error) {
        if (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound')) throw new NotFoundError(`upload ${key}`);
        throw error;
      }
    },
    async publish(key, body, contentType, fileName) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
      return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentDisposition: `attachment; filename="${fileName}"` }), {
        expiresIn: URL_LIFETIME_SECONDS,
      });
    },
  };
}
