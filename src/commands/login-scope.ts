/** What `login` asks for unless --scope says otherwise. */
export const DEFAULT_SCOPE = 'openid hubstaff:read hubstaff:write'

/**
 * The port of the redirect URI, fixed because Hubstaff accepts only a redirect URI registered
 * exactly (a random port could never be registered); one above serve's 8787.
 */
export const DEFAULT_CALLBACK_PORT = 8788
