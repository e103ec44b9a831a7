/**
 * Where the respondent page sends its two requests. In the cloud the deployment writes the Respond
 * function URL's origin into the page as a meta tag (infra/web.ts), with a CSP meta tag allowing
 * exactly that origin; without the tag (embedded mode, `npm start`) the page calls its own origin.
 */
export const RESPOND_ENDPOINT_META = 'baseline-respond-endpoint';

/** The page's HTML with the endpoint and a connect-src policy for it, written first thing in its head. */
export function pointPageAt(html: string, origin: string): string {
  const tags =
    `<meta http-equiv="Content-Security-Policy" content="connect-src 'self' ${origin}" />` + `<meta name="${RESPOND_ENDPOINT_META}" content="${origin}" />`;
  if (!/<head>/i.test(html)) throw new Error('the respondent page has no <head> to write its endpoint into');
  return html.replace(/<head>/i, (head) => `${head}${tags}`);
}

/** The endpoint written into the page, or '' (same origin) when there is none. */
export function readRespondEndpoint(doc: Pick<Document, 'querySelector'>): string {
  const content = doc.querySelector(`meta[name="${RESPOND_ENDPOINT_META}"]`)?.getAttribute('content') ?? '';
  return content.replace(/\/+$/, '');
}
