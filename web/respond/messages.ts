/**
 * The respondent page's own words. Statement texts and scale labels come from the server in the
 * chosen locale; everything else is here. A locale the statement bank has but this catalog lacks
 * falls back to English for these words only.
 */
const en = {
  pageTitle: 'Survey',
  loading: 'Loading your survey…',
  language: 'Language',
  privacyHeading: 'Before you start: what happens to your answers',
  privacy: (k: number) =>
    `Your answers are confidential. Nobody — not HR, not your manager — can see an individual response. ` +
    `Answers are only ever shown added up for groups of at least ${k} people; a group smaller than ${k} is never shown. ` +
    `Your answers are not stored with your name, your email address or this link.`,
  optional: 'Every statement is optional. Choose “Prefer not to say” or simply skip any of them.',
  savedLocally: 'Your answers are kept on this device until you send them, so nothing is lost if the connection drops.',
  progress: (answered: number, total: number) => `${answered} of ${total} answered`,
  preferNot: 'Prefer not to say',
  commentHint: 'Optional. Please leave out names and anything that could identify you or a colleague.',
  charactersLeft: (left: number) => `${left} characters left`,
  submit: 'Send my answers',
  sending: 'Sending…',
  sendFailed:
    'We could not reach the server. Your answers are still saved on this device, locked as they were sent — please try again in a moment. If they did arrive, sending them again counts them once.',
  retry: 'Try again',
  nothingAnswered:
    'You have skipped every statement. Answer at least one to send: a reply with nothing in it is not counted, and your link stays usable until the survey closes.',
  thanksHeading: 'Thank you!',
  thanks: 'Your answers have been recorded. You can close this page.',
  usedHeading: 'You have already answered',
  used: 'This link has already been used to answer the survey, and each link counts once. Thank you for taking part!',
  closedHeading: 'This survey has closed',
  closed: 'This survey is no longer accepting answers. Thank you for your interest — look out for the next one.',
  badLinkHeading: 'We could not find this survey',
  badLink: 'The link may be incomplete. Please open it again from your invitation email, making sure the whole link is copied.',
  offlineHeading: 'We could not reach the server',
  offline: 'Please check your connection and try again.',
};

export type Messages = typeof en;

const sv: Messages = {
  pageTitle: 'Enkät',
  loading: 'Laddar din enkät…',
  language: 'Språk',
  privacyHeading: 'Innan du börjar: vad som händer med dina svar',
  privacy: (k: number) =>
    `Dina svar är konfidentiella. Ingen — varken HR eller din chef — kan se ett enskilt svar. ` +
    `Svaren visas bara sammanräknade för grupper om minst ${k} personer; en grupp mindre än ${k} visas aldrig. ` +
    `Dina svar sparas inte tillsammans med ditt namn, din e-postadress eller den här länken.`,
  optional: 'Alla påståenden är frivilliga. Välj ”Vill inte svara” eller hoppa över vilket som helst.',
  savedLocally: 'Dina svar sparas på den här enheten tills du skickar dem, så inget går förlorat om uppkopplingen bryts.',
  progress: (answered: number, total: number) => `${answered} av ${total} besvarade`,
  preferNot: 'Vill inte svara',
  commentHint: 'Frivilligt. Utelämna namn och sådant som kan identifiera dig eller en kollega.',
  charactersLeft: (left: number) => `${left} tecken kvar`,
  submit: 'Skicka mina svar',
  sending: 'Skickar…',
  sendFailed:
    'Vi nådde inte servern. Dina svar finns kvar på den här enheten, låsta som de skickades — försök igen om en liten stund. Om de redan kom fram räknas de ändå bara en gång.',
  retry: 'Försök igen',
  nothingAnswered:
    'Du har hoppat över alla påståenden. Svara på minst ett för att skicka: ett svar utan innehåll räknas inte, och din länk fungerar tills enkäten stänger.',
  thanksHeading: 'Tack!',
  thanks: 'Dina svar är registrerade. Du kan stänga sidan.',
  usedHeading: 'Du har redan svarat',
  used: 'Den här länken har redan använts för att besvara enkäten, och varje länk räknas en gång. Tack för att du deltog!',
  closedHeading: 'Enkäten har stängt',
  closed: 'Enkäten tar inte längre emot svar. Tack för ditt intresse — håll utkik efter nästa.',
  badLinkHeading: 'Vi hittade inte enkäten',
  badLink: 'Länken kan vara ofullständig. Öppna den igen från din inbjudan och se till att hela länken kommer med.',
  offlineHeading: 'Vi nådde inte servern',
  offline: 'Kontrollera din uppkoppling och försök igen.',
};

const catalog: Record<string, Messages> = { en, sv };

/** The catalog for a locale such as `sv` or `sv-SE`, English when we have no words for it. */
export function pickMessages(lang: string): Messages {
  return catalog[lang.toLowerCase().split('-')[0]] ?? en;
}

/** Human name of a locale in its own language, for the language picker. */
export function nameLocale(lang: string): string {
  try {
    return new Intl.DisplayNames([lang], { type: 'language' }).of(lang) ?? lang;
  } catch {
    return lang;
  }
}
