export type HostedKeyRateLimitConfig = Record<string, unknown>
