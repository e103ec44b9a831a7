/**
 * Security headers on every answer, pages and API alike, in both modes: CloudFront adds its own in
 * the cloud, but the execute-api URL and the embedded server are reachable without it.
 */
import { secureHeaders } from 'hono/secure-headers';

/**
 * The pages load only their own hashed scripts and styles (vite emits no inline script); the
 * favicon is a `data:` URL. Nothing may frame a page, and no referrer leaves it: the respondent's
 * token lives in the URL fragment and must never travel.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
};

/** Hono's secureHeaders with our policy: nosniff, no referrer, no framing, HSTS. */
export function secureHeadersMiddleware() {
  return secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    referrerPolicy: 'no-referrer',
    xFrameOptions: 'DENY',
    xContentTypeOptions: 'nosniff',
  });
}
