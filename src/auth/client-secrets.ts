/**
 * Every secret a client holds at this moment: the client secret, each token key's current and
 * pending pairs (and id_tokens), and what an operation in flight carries (an authorization code,
 * a PKCE verifier, a password, a binding). An error that leaves the client is scrubbed of all of
 * them, whichever request it came from: a broken server may echo any secret in any answer (a 417
 * quoting the refresh token in reply to a REST call that never sent it).
 */
export class ClientSecrets {
  private readonly sources: Array<() => Iterable<string | undefined>> = [];
  private readonly held = new Set<readonly string[]>();

  constructor(private readonly clientSecret: string | undefined) {}

  /** Adds a source read each time (a token slot's pairs). */
  addSource(source: () => Iterable<string | undefined>): void {
    this.sources.push(source);
  }

  /** Holds secrets while an operation runs; call the returned function when it ends. */
  hold(...values: Array<string | undefined>): () => void {
    const entry = values.filter((value): value is string => typeof value === 'string' && value !== '');
    this.held.add(entry);
    return () => {
      this.held.delete(entry);
    };
  }

  current(): string[] {
    const all: string[] = [];
    if (this.clientSecret) all.push(this.clientSecret);
    for (const entry of this.held) all.push(...entry);
    for (const source of this.sources) {
      for (const value of source()) if (typeof value === 'string' && value !== '') all.push(value);
    }
    return all;
  }
}
