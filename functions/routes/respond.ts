/** The respondent routes: public, token in the body only, nothing logged about the caller. */
import { Hono } from 'hono';
import { questionnaireRequestSchema, responseRequestSchema } from '../../shared/respondent-schemas.ts';
import type { AppDeps } from '../deps.ts';
import { validate } from '../http.ts';
import { createCollector } from '../waves/collect.ts';

export function respondRoutes(deps: AppDeps) {
  const collector = createCollector(deps);
  return new Hono()
    .post('/questionnaire', validate('json', questionnaireRequestSchema), async (c) => {
      const { token, lang } = c.req.valid('json');
      const accepted = (c.req.header('accept-language') ?? '')
        .split(',')
        .map((part) => part.split(';')[0].trim())
        .filter(Boolean);
      // `lang` is sent only when the person picked a language on the page; otherwise their invitation's language comes first.
      return c.json(await collector.questionnaire(token, accepted, lang));
    })
    .post('/responses', validate('json', responseRequestSchema), async (c) => {
      await collector.submit(c.req.valid('json'));
      return c.json({ status: 'recorded' }, 201);
    });
}
