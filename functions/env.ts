/**
 * Configuration is read once, at an entry point, from the environment; everything below gets it
 * passed in. A missing variable fails the cold start with its name, not a request later.
 */
export class MissingEnvError extends Error {
  constructor(names: string[]) {
    super(`missing environment variable${names.length > 1 ? 's' : ''}: ${names.join(', ')}`);
    this.name = 'MissingEnvError';
  }
}

/** Read the named variables, failing with every missing name at once. */
export function readEnv<const Name extends string>(names: readonly Name[], source: Record<string, string | undefined> = process.env): Record<Name, string> {
  const missing = names.filter((name) => !source[name]);
  if (missing.length > 0) throw new MissingEnvError(missing);
  return Object.fromEntries(names.map((name) => [name, source[name]!])) as Record<Name, string>;
}
