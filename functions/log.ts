/**
 * One structured logging style: a JSON object per line. The embedded runtime writes lines to
 * stdout; Lambda entry points pass a Powertools-backed sink. Lines carry no time field of their
 * own and callers never pass tokens, emails, addresses, user agents or bodies (see DESIGN.md).
 */
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export type LogSink = (line: string) => void;

/** A logger writing one JSON line per event to the sink. */
export function createJsonLogger(sink: LogSink = (line) => process.stdout.write(`${line}\n`)): Logger {
  const write =
    (level: string) =>
    (message: string, fields: LogFields = {}) =>
      sink(JSON.stringify({ level, message, ...fields }));
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
