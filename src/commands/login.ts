import { DEFAULT_CALLBACK_PORT, DEFAULT_SCOPE } from './login-scope.js'
import { JSON_OPTION } from './support.js'
import type { Command } from './types.js'

// The flow (and openid-client) load only when login runs.
export const loginCommand: Command = {
  name: 'login',
  summary: 'sign in to Hubstaff in a browser (OAuth with PKCE) and store the refresh token',
  usage: '[--callback-port PORT] [--open] [--json]',
  description:
    'Signs in with the authorization-code flow of OpenID Connect (PKCE S256, state and nonce) using the client id and secret ' +
    'of your Hubstaff app (developer.hubstaff.com). It prints the address to open (--open also starts a browser), waits for ' +
    'Hubstaff to send the browser back to http://localhost:PORT/callback, verifies the ID token (RS256, the issuer\'s keys), ' +
    'and stores the refresh token in the token store (state dir, 0600; Redis with --redis), where serve picks it up. ' +
    `Register http://localhost:${DEFAULT_CALLBACK_PORT}/callback as the redirect URI of your app (another port: register ` +
    'http://localhost:PORT/callback and pass --callback-port PORT). Nothing is stored when the login fails.',
  options: [
    { name: 'callback-port', type: 'string', value: 'PORT', description: 'port of the redirect URI http://localhost:PORT/callback, as registered in your app (0: a free port)', defaultText: String(DEFAULT_CALLBACK_PORT) },
    { name: 'open', type: 'boolean', description: 'also open the address in the default browser' },
    { name: 'scope', type: 'string', value: 'SCOPES', description: 'scopes to ask for, space-separated', defaultText: `"${DEFAULT_SCOPE}"` },
    { name: 'timeout', type: 'string', value: 'SECONDS', description: 'give up when the browser has not come back after this long', defaultText: '300' },
    JSON_OPTION,
  ],
  settings: ['clientId', 'clientSecret', 'authUrl', 'stateDir', 'redis'],
  examples: [
    'HUBSTAFF_GATEWAY_CLIENT_ID=... HUBSTAFF_GATEWAY_CLIENT_SECRET=... hubstaff-gateway login --open',
    'hubstaff-gateway login --callback-port 8976   # the app registers http://localhost:8976/callback',
  ],
  async run(context) {
    const { runLogin } = await import('./login-flow.js')
    return runLogin(context)
  },
}
