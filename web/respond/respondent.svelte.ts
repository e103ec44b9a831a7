import type { Answer, Questionnaire } from './questionnaire.ts';
import {
  clearSavedAnswers,
  newSubmissionId,
  readChosenLang,
  readPendingSubmission,
  readSavedAnswers,
  writeChosenLang,
  writePendingSubmission,
  writeSavedAnswers,
  type PendingSubmission,
} from './saved-answers.ts';

export type Phase = 'loading' | 'answering' | 'sending' | 'done' | 'used' | 'closed' | 'bad-link' | 'offline';

/** What an error code from the API means for the person holding the link. */
const PHASE_BY_STATUS: Record<number, Phase> = { 404: 'bad-link', 400: 'bad-link', 409: 'used', 410: 'closed' };

/**
 * One person answering through one invitation link: loads the questionnaire, keeps the answers
 * (saved on the device after every change), and sends them once. A send whose reply never came
 * stays pending, with its submission id, and is resent exactly as it was (the answers are locked
 * meanwhile): the server answers its retry 201 if that submission was recorded, so a lost reply
 * never turns into "already answered" for the person whose answers were counted.
 */
export class Respondent {
  phase = $state<Phase>('loading');
  questionnaire = $state<Questionnaire | null>(null);
  answers = $state<Record<string, Answer>>({});
  lang = $state('en');
  sendFailed = $state(false);
  /** Set when the person sends with every statement skipped: that is not counted as a response, so it is not sent. */
  nothingAnswered = $state(false);
  /** A submission sent without a reply yet: its answers are locked until the server confirms or refuses it. */
  pending = $state<PendingSubmission | null>(null);

  readonly answeredCount = $derived(this.questionnaire?.statements.filter((s) => s.id in this.answers && this.answers[s.id] !== '').length ?? 0);

  constructor(
    private readonly token: string,
    private readonly storage: Storage,
    private readonly fetcher: typeof fetch = (...args) => fetch(...args),
    browserLang = 'en',
    /** https://… the two requests go to (the Respond function's URL in the cloud); '' is this page's own origin. */
    private readonly endpoint = '',
  ) {
    this.chosenLang = readChosenLang(storage) ?? undefined;
    this.lang = this.chosenLang ?? browserLang.split('-')[0];
    this.answers = token ? readSavedAnswers(storage, token) : {};
    this.pending = token ? readPendingSubmission(storage, token) : null;
    if (this.pending) this.answers = { ...this.pending.answers };
    // Ask at once, before the first render: on a slow phone every millisecond before the
    // request leaves is a millisecond added to the wait for the statements.
    if (token) this.firstReply = this.post('/api/questionnaire', this.questionnaireRequest());
  }

  /** A language picked on this page; otherwise the server picks the invitation's, then the browser's. */
  private chosenLang: string | undefined;

  private questionnaireRequest() {
    return this.chosenLang ? { token: this.token, lang: this.chosenLang } : { token: this.token };
  }

  private firstReply?: Promise<{ status: number; body: unknown } | null>;

  /** Fetch the statements in the current language; an empty fragment is a bad link without asking. */
  async load(): Promise<void> {
    if (!this.token) {
      this.phase = 'bad-link';
      return;
    }
    const first = this.firstReply;
    this.firstReply = undefined;
    const reply = await (first ?? this.post('/api/questionnaire', this.questionnaireRequest()));
    if (!reply) {
      this.phase = 'offline';
      return;
    }
    // Sent before the page was closed, reply unknown: ask again with the same submission (a 409 here
    // may be that very submission, counted).
    if (this.pending && (reply.status === 200 || reply.status === 409)) {
      if (reply.status === 200) this.questionnaire = reply.body as Questionnaire;
      this.phase = this.questionnaire ? 'sending' : 'loading';
      await this.send(this.pending);
      return;
    }
    if (reply.status !== 200) {
      this.phase = PHASE_BY_STATUS[reply.status] ?? 'offline';
      if (this.phase === 'used' || this.phase === 'closed') clearSavedAnswers(this.storage, this.token);
      return;
    }
    this.questionnaire = reply.body as Questionnaire;
    this.lang = this.questionnaire.lang;
    this.phase = 'answering';
  }

  /** Switch the statements and the page's words to another locale the statement bank has. */
  async chooseLang(lang: string): Promise<void> {
    this.lang = lang;
    this.chosenLang = lang;
    writeChosenLang(this.storage, lang);
    await this.load();
  }

  choose(statementId: string, value: Answer): void {
    if (this.pending) return;
    this.answers[statementId] = value;
    writeSavedAnswers(this.storage, this.token, $state.snapshot(this.answers));
  }

  /** Send what was answered; "prefer not to say" and empty comments are sent as no answer. A pending submission is resent as it was. */
  async submit(): Promise<void> {
    if (this.phase !== 'answering') return;
    this.nothingAnswered = false;
    if (!this.pending) {
      const answers: Record<string, number | string> = {};
      for (const [id, value] of Object.entries(this.answers)) {
        if (value === null) continue;
        if (typeof value === 'string' && this.isComment(id)) {
          if (value.trim() === '') continue;
          answers[id] = value.trim();
        } else answers[id] = value;
      }
      this.nothingAnswered = Object.keys(answers).length === 0;
      if (this.nothingAnswered) return;
      this.pending = { id: newSubmissionId(), answers };
      writePendingSubmission(this.storage, this.token, this.pending);
    }
    this.phase = 'sending';
    await this.send(this.pending);
  }

  private async send(pending: PendingSubmission): Promise<void> {
    this.sendFailed = false;
    const reply = await this.post('/api/responses', { token: this.token, answers: pending.answers, submission: pending.id });
    if (reply?.status === 201) {
      clearSavedAnswers(this.storage, this.token);
      this.pending = null;
      this.phase = 'done';
    } else if (reply && (reply.status === 409 || reply.status === 410 || reply.status === 404)) {
      if (reply.status !== 404) clearSavedAnswers(this.storage, this.token);
      this.pending = null;
      this.phase = PHASE_BY_STATUS[reply.status];
    } else {
      // Offline, a 5xx, or a 400: keep everything and let the person try again with the same submission.
      this.sendFailed = true;
      this.phase = this.questionnaire ? 'answering' : 'offline';
    }
  }

  private isComment(statementId: string): boolean {
    return this.questionnaire?.statements.find((s) => s.id === statementId)?.scale.kind === 'text';
  }

  private async post(path: string, body: unknown): Promise<{ status: number; body: unknown } | null> {
    try {
      // No content-type header: the JSON goes as text/plain, so a POST to the function URL's other
      // origin is a CORS-simple request and needs no preflight round trip (the server reads it as JSON).
      const response = await this.fetcher(`${this.endpoint}${path}`, { method: 'POST', body: JSON.stringify(body) });
      return { status: response.status, body: await response.json().catch(() => null) };
    } catch {
      return null;
    }
  }
}
