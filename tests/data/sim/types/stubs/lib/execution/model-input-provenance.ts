export type PrivateSecretProvenanceSelection = Record<string, unknown>
