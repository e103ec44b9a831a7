/**
 * Files too large for a Lambda payload (6 MB): a 300,000-person directory is ~20 MB of CSV, and
 * so is its invitation export. In the cloud they travel through presigned S3 URLs; embedded mode
 * has no FileStore and takes them in the request and response bodies.
 */
export interface FileStore {
  /** A short-lived URL the browser PUTs the file to. */
  createUploadUrl(key: string, contentType: string): Promise<string>;
  /** Read an uploaded file and delete it: an upload is used once. */
  take(key: string): Promise<string>;
  /** Store a file and answer a short-lived URL to download it. */
  publish(key: string, body: string, contentType: string, fileName: string): Promise<string>;
}
