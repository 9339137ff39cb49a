import { Inject, Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import type { AppConfig, OidcConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AccessRepository } from './access.repository.js';

/** The sign-in could not finish: the message is shown on the sign-in page. */
export class SignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignInError';
  }
}

/**
 * OpenID Connect sign-in (authorisation code + PKCE) through openid-client. The provider's
 * metadata is discovered on the first sign-in (so Pulse starts while the provider is down) and
 * kept; the state, nonce and PKCE verifier of a sign-in in flight are kept server-side.
 */
@Injectable()
export class OidcService {
  private discovered: Promise<oidc.Configuration> | null = null;
  private readonly settings: OidcConfig | null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly repository: AccessRepository,
  ) {
    this.settings = config.oidc;
  }

  get enabled(): boolean {
    return this.settings !== null;
  }

  private configuration(): Promise<oidc.Configuration> {
    const settings = this.settings;
    if (!settings) throw new SignInError('single sign-on is not configured (PULSE_OIDC_ISSUER)');
    this.discovered ??= oidc
      .discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined, {
        // A plain-http issuer only inside a test or a closed network; openid-client refuses it otherwise.
        ...(settings.issuer.startsWith('http:') ? { execute: [oidc.allowInsecureRequests] } : {}),
      })
      .catch((error: unknown) => {
        this.discovered = null;
        throw new SignInError(`the identity provider cannot be reached (${(error as Error).message})`);
      });
    return this.discovered;
  }

  /** Where to send the browser to sign in; `returnTo` is the Pulse path it comes back to. */
  async authorizationUrl(redirectUri: string, returnTo: string): Promise<URL> {
    const configuration = await this.configuration();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    await this.repository.insertSignInAttempt({ state, codeVerifier, nonce, returnTo });
    return oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
  }

  /** Finishes a sign-in from the provider's redirect: the e-mail it vouches for and where to go next. */
  async finish(callbackUrl: URL): Promise<{ email: string; returnTo: string }> {
    const configuration = await this.configuration();
    const state = callbackUrl.searchParams.get('state') ?? '';
    const providerError = callbackUrl.searchParams.get('error');
    const attempt = await this.repository.takeSignInAttempt(state);
    if (providerError) {
      const description = callbackUrl.searchParams.get('error_description');
      throw new SignInError(`the identity provider refused: ${description ?? providerError}`);
    }
    if (!attempt) throw new SignInError('this sign-in expired or was already used; start again');
    let email: unknown;
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: attempt.codeVerifier,
        expectedState: state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      email = claims?.email;
      // Many providers put only `sub` in the ID token of a code flow: the e-mail is at userinfo.
      if (email === undefined && claims) {
        email = (await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub)).email;
      }
    } catch (error) {
      throw new SignInError(`the identity provider's answer was not accepted (${(error as Error).message})`);
    }
    if (typeof email !== 'string' || email === '') {
      throw new SignInError('the identity provider sent no e-mail address (scope "email")');
    }
    return { email, returnTo: attempt.returnTo };
  }
}
