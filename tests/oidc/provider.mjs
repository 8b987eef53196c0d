// A real OpenID provider for Vaksam's sign-in tests: panva's oidc-provider (OpenID Certified;
// version 8, the last line that supports Node.js 20 LTS, which Debian ships)
// with its development login page, on 127.0.0.1. Started by tests/oidc/provider.py:
//
//   node provider.mjs CONFIG.json
//
// CONFIG.json: {"port": 1234, "issuer": "http://127.0.0.1:1234", "jwks": {"keys": [private JWK…]},
//               "clients": [client metadata…], "accounts": {"login": {claims…}}}
// The login page accepts any password; the login name picks the account. Consent is implied
// (loadExistingGrant), as a region's IdP does for its own applications.
// Prints "listening <url>" on stdout once it accepts connections.
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const CLAIMS = ['sub', 'oid', 'tid', 'preferred_username', 'upn', 'email', 'name', 'groups', 'roles', 'hasgroups'];

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: config.jwks,
  claims: { openid: CLAIMS },
  conformIdTokenClaims: false, // the claims go into the ID token, as Entra ID and AD FS do
  cookies: { keys: ['vaksam-test-cookie-key'] },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    backchannelLogout: { enabled: true },
  },
  pkce: { required: () => true },
  async findAccount(ctx, id) {
    const claims = config.accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(CLAIMS);
    await grant.save();
    return grant;
  },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
});
provider.on('server_error', (ctx, err) => console.error('server_error', err));
provider.on('backchannel.error', (ctx, err) => console.error('backchannel.error', err.message));
provider.on('backchannel.success', (ctx, client, accountId, sid) => console.log('backchannel.success', accountId, sid));

provider.listen(config.port, '127.0.0.1', () => {
  console.log(`listening ${config.issuer}`);
});
