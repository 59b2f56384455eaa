export type OAuthService = string
