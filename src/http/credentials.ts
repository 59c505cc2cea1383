// What a registry may be given to prove who we are; src/auth finds them, the auth interceptor uses them.

export interface Credentials {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (docker's `identitytoken`), traded for Bearer tokens by POST. */
  identityToken?: string;
  /** A Bearer token sent as it is (docker's `registrytoken`). */
  registryToken?: string;
}
