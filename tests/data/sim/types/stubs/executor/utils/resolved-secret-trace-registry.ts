export type ResolvedSecretInputPath = Record<string, unknown>
